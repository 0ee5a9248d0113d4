# Every dependency is a Debian package (see README). SystemC, Unicorn and Capstone ship no
# CMake package configuration, so they come through pkg-config.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc>=2.3.3)
# Unicorn 2.1.1 comes from Debian 13; on Debian 12 `make deps` unpacks it under build/deps/
# (tools/fetch-debs), which is searched before the system.
# (A build folder of its own, e.g. for the sanitizer build, also finds the default build/'s.)
file(GLOB RMESIM_FETCHED_PC_DIRS ${CMAKE_SOURCE_DIR}/build/deps/*/root/usr/lib/*/pkgconfig
     ${CMAKE_BINARY_DIR}/deps/*/root/usr/lib/*/pkgconfig)
foreach(dir ${RMESIM_FETCHED_PC_DIRS})
  set(ENV{PKG_CONFIG_PATH} "${dir}:$ENV{PKG_CONFIG_PATH}")
endforeach()
# The library path is cached by pkg_check_modules: drop it so that a build tree configured
# before the fetch does not keep linking the system's older Unicorn.
unset(pkgcfg_lib_UNICORN_unicorn CACHE)
pkg_check_modules(UNICORN IMPORTED_TARGET unicorn>=2.1.1)
if(NOT UNICORN_FOUND)
  message(FATAL_ERROR "Unicorn 2.1.1 or later is missing. `make deps` fetches Debian 13's libunicorn2t64 "
                      "and libunicorn-dev into build/deps/unicorn (tools/fetch-debs; `make deps BUILD=DIR` "
                      "into DIR/deps), or install them with apt on a Debian 13 system.")
endif()
message(STATUS "Unicorn ${UNICORN_VERSION} from ${UNICORN_LIBDIR}")
# The Linux guest (tools/fetch-linux) lives in <build>/linux. A build folder of its own that has
# none links to the default build/'s, so that its Linux tests and studies run on what `make deps`
# fetched there (the sanitizer build's would otherwise be skipped).
if(NOT EXISTS ${CMAKE_BINARY_DIR}/linux AND EXISTS ${CMAKE_SOURCE_DIR}/build/linux/vmlinuz
   AND NOT CMAKE_BINARY_DIR STREQUAL "${CMAKE_SOURCE_DIR}/build")
  file(CREATE_LINK ${CMAKE_SOURCE_DIR}/build/linux ${CMAKE_BINARY_DIR}/linux SYMBOLIC)
  message(STATUS "Linux guest: ${CMAKE_SOURCE_DIR}/build/linux")
endif()
pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET capstone>=4.0)
pkg_check_modules(LIBCBOR REQUIRED IMPORTED_TARGET libcbor)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(yaml-cpp REQUIRED)   # target: yaml-cpp
find_package(nlohmann_json 3 REQUIRED)  # stats.json and trace.json
find_package(Threads REQUIRED)
# libfdt (Debian libfdt-dev): through pkg-config where it ships a libfdt.pc (Debian 13), by
# its header and library otherwise (Debian 12 ships none).
pkg_check_modules(LIBFDT IMPORTED_TARGET libfdt)
if(LIBFDT_FOUND)
  add_library(rmesim_libfdt ALIAS PkgConfig::LIBFDT)
else()
  find_path(LIBFDT_INCLUDE_DIR libfdt.h)
  find_library(LIBFDT_LIBRARY fdt)
  if(NOT LIBFDT_INCLUDE_DIR OR NOT LIBFDT_LIBRARY)
    message(FATAL_ERROR "libfdt not found: install Debian's libfdt-dev (make deps)")
  endif()
  add_library(rmesim_libfdt INTERFACE IMPORTED)
  target_include_directories(rmesim_libfdt INTERFACE ${LIBFDT_INCLUDE_DIR})
  target_link_libraries(rmesim_libfdt INTERFACE ${LIBFDT_LIBRARY})
endif()
