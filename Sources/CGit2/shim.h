#ifndef FLEET_CGIT2_SHIM_H
#define FLEET_CGIT2_SHIM_H
#include <git2.h>
#endif
