# shmcheck as a package, from the outside (ci/tests/package_test.py; label package): the build
# tree installed into a temporary prefix and the example consumer (examples/consumer) built
# against it with find_package and with pkg-config, and a library-only build of the source
# tree. They install what ci/build built: ctest does not build, and an unbuilt tree fails
# `cmake --install`, naming the missing file.
set(package_checks find-package pkg-config library-only)
if(SHMCHECK_SANITIZE OR SHMCHECK_FUZZ)
  foreach(check IN LISTS package_checks)
    shmcheck_unsupported_test(package.${check}
      "a sanitizer build's libraries need the sanitizer runtime in every consumer: the package is checked in a plain build (ci/test)")
    set_tests_properties(package.${check} PROPERTIES LABELS package)
  endforeach()
  return()
endif()
foreach(check IN LISTS package_checks)
  add_test(NAME package.${check}
           COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/ci/tests/package_test.py
                   --source ${PROJECT_SOURCE_DIR} --build ${PROJECT_BINARY_DIR} ${check})
  set_tests_properties(package.${check} PROPERTIES
    LABELS package TIMEOUT 300 SKIP_RETURN_CODE 77 ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endforeach()
# The library-only build compiles the reference with -j2.
set_tests_properties(package.library-only PROPERTIES PROCESSORS 2)
