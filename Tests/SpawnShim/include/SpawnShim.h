#ifndef SPAWN_SHIM_H
#define SPAWN_SHIM_H

#include <spawn.h>

/// glibc's GNU extensions, which Swift's Glibc module does not declare.
int spawn_shim_pipe_cloexec(int ends[2]);
int spawn_shim_addchdir(posix_spawn_file_actions_t *actions, const char *path);
int spawn_shim_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif
