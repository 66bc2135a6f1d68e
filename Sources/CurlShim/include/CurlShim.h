#pragma once
#include <curl/curl.h>

// Swift cannot call C variadic functions, so each curl_*_setopt / curl_easy_getinfo argument
// type gets one fixed-signature wrapper.

CURLcode curl_shim_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode curl_shim_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode curl_shim_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
// WRITEFUNCTION and HEADERFUNCTION share this signature.
CURLcode curl_shim_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback callback);
CURLcode curl_shim_easy_setopt_prereq_callback(CURL *handle, curl_prereq_callback callback);

CURLMcode curl_shim_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

CURLcode curl_shim_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode curl_shim_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
