# What `cmake --install` puts under the prefix, and the package files that find it again.
#
#   include/shmcheck/...              the reference's headers (with the generated version.hpp);
#                                     protocol/ and harness/{implementation,in_process}.hpp
#   lib/libshmcheck_ref.a             shmcheck::ref        (component ref, always)
#   lib/libshmcheck_protocol.a        shmcheck::protocol   (component implementation: the
#   lib/libshmcheck_implementation.a  shmcheck::implementation  in-process adapter's interface)
#   lib/cmake/shmcheck/               shmcheckConfig.cmake, its version file, the targets
#   lib/pkgconfig/shmcheck-ref.pc     the reference for pkg-config
#   bin/shmcheck                      the command line
#   libexec/shmcheck/                 the programs it starts (drivers, the audit's probe)
#   share/shmcheck/                   the data it reads (cli/locate.hpp)
#
# SHMCHECK_LIBRARY_ONLY installs the reference alone (and the package files saying so). The
# build tree is a package too (export()): -Dshmcheck_DIR=<build> finds shmcheck::ref in it.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SHMCHECK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/shmcheck)

# --- the reference: shmcheck::ref ------------------------------------------------------------
install(TARGETS shmcheck_ref EXPORT shmcheckRefTargets INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY lib/include/shmcheck DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/lib/generated/shmcheck/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/shmcheck)
install(EXPORT shmcheckRefTargets NAMESPACE shmcheck:: DESTINATION ${SHMCHECK_CMAKE_DIR})
export(EXPORT shmcheckRefTargets NAMESPACE shmcheck:: FILE ${PROJECT_BINARY_DIR}/shmcheckRefTargets.cmake)

# --- the in-process adapter's interface, the command line, its programs and data ------------
if(NOT SHMCHECK_LIBRARY_ONLY)
  # An adapter implements shmcheck::harness::Implementation (implementation.hpp) or hands its
  # operations to InProcessImplementation (in_process.hpp); those include the protocol's hello
  # and outcome. The rest of the harness (the exec client, results, the suite loop) is
  # shmcheck's own and stays out, with its fmt dependency.
  install(TARGETS shmcheck_protocol shmcheck_implementation EXPORT shmcheckImplementationTargets
          INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(DIRECTORY protocol/include/shmcheck/protocol DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/shmcheck
          FILES_MATCHING PATTERN "*.hpp")
  install(FILES harness/include/shmcheck/harness/implementation.hpp harness/include/shmcheck/harness/in_process.hpp
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/shmcheck/harness)
  install(EXPORT shmcheckImplementationTargets NAMESPACE shmcheck:: DESTINATION ${SHMCHECK_CMAKE_DIR})
  # No export() of these: in the build tree the protocol links the reference through
  # shmcheck::ref_any (lib/CMakeLists.txt), whose mutable build is not for others.

  # The programs shmcheck starts are not commands of their own: libexec, not PATH
  # (cli/locate.cpp looks there from bin/).
  install(TARGETS shmcheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(TARGETS shmcheck_mutant shmcheck_boost_driver shmcheck_audit_probe
          RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/shmcheck)

  # The data shmcheck reads at run time, in the source tree's layout (cli/locate.hpp).
  set(data ${CMAKE_INSTALL_DATADIR}/shmcheck)
  install(FILES spec/clauses.json DESTINATION ${data}/spec)
  install(FILES drivers/boost/expectations.json DESTINATION ${data}/drivers/boost)
  # The CPython driver with its expectations, and the example driver in JavaScript
  # (`--impl "exec:node <prefix>/share/shmcheck/drivers/node/driver.js"`).
  install(DIRECTORY drivers/python drivers/node DESTINATION ${data}/drivers PATTERN __pycache__ EXCLUDE)
  install(DIRECTORY audit/data audit/probe DESTINATION ${data}/audit)
  # The driver contract, for authors of drivers (conformance.py checks one).
  install(FILES protocol/PROTOCOL.md protocol/driver-protocol.schema.json protocol/conformance.py
          DESTINATION ${data}/protocol)
  # The reports package (`shmcheck run --out`), without its tests and fuzz targets.
  install(DIRECTORY reports DESTINATION ${data}
          PATTERN __pycache__ EXCLUDE PATTERN tests EXCLUDE PATTERN fuzz EXCLUDE PATTERN CMakeLists.txt EXCLUDE)
endif()
install(FILES README.md lib/SEMANTICS.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- the CMake package ------------------------------------------------------------------------
# Versions: while the major version is 0 any minor release may change the API (as semantic
# versioning allows), so a request for 0.1 accepts 0.1.x only; from 1.0 on, the same major.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(compatibility SameMinorVersion)
else()
  set(compatibility SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/shmcheckConfigVersion.cmake COMPATIBILITY ${compatibility})
configure_package_config_file(cmake/shmcheckConfig.cmake.in ${PROJECT_BINARY_DIR}/cmake/shmcheckConfig.cmake
                              INSTALL_DESTINATION ${SHMCHECK_CMAKE_DIR})
install(FILES ${PROJECT_BINARY_DIR}/cmake/shmcheckConfig.cmake ${PROJECT_BINARY_DIR}/shmcheckConfigVersion.cmake
        DESTINATION ${SHMCHECK_CMAKE_DIR})
# The build tree's: the same file, beside the build tree's export of shmcheck::ref.
configure_package_config_file(cmake/shmcheckConfig.cmake.in ${PROJECT_BINARY_DIR}/shmcheckConfig.cmake
                              INSTALL_DESTINATION ${PROJECT_BINARY_DIR} INSTALL_PREFIX ${PROJECT_BINARY_DIR})

# --- pkg-config -------------------------------------------------------------------------------
# Relocatable: the prefix is found from the .pc file's own directory, so a tree installed with
# `cmake --install --prefix DIR`, or moved afterwards, is still right.
set(pkgconfig_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(NOT IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" AND NOT IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  file(RELATIVE_PATH up "/prefix/${pkgconfig_dir}" "/prefix")
  string(REGEX REPLACE "/$" "" up "${up}")
  set(SHMCHECK_PC_PREFIX "\${pcfiledir}/${up}")
  set(SHMCHECK_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
  set(SHMCHECK_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
else()  # directories given as absolute paths stay where they were given
  set(SHMCHECK_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(SHMCHECK_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
  set(SHMCHECK_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
endif()
configure_file(cmake/shmcheck-ref.pc.in ${PROJECT_BINARY_DIR}/cmake/shmcheck-ref.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/cmake/shmcheck-ref.pc DESTINATION ${pkgconfig_dir})
