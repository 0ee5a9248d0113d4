# Every dependency is a Debian package (see README). SystemC, Unicorn and Capstone ship no
# CMake package configuration, so they come through pkg-config.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc>=2.3.3)
pkg_check_modules(UNICORN REQUIRED IMPORTED_TARGET unicorn>=2.0)
pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET capstone>=4.0)
pkg_check_modules(LIBCBOR REQUIRED IMPORTED_TARGET libcbor)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(yaml-cpp REQUIRED)   # target: yaml-cpp
find_package(Threads REQUIRED)
