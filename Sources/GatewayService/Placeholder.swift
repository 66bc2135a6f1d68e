// composition root lands with settings
