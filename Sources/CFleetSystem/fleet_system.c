#define _GNU_SOURCE
#include "fleet_system.h"

int fleet_spawn_setsid_flag(void) { return POSIX_SPAWN_SETSID; }

int fleet_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}
