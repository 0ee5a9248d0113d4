#include "rmm_fixture.h"
