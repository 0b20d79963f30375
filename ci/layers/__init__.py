"""The checker behind ci/check_layers.py: #includes and CMake links against README.md's layers table.

One module per concept, in the order a run uses them:

- table:    the README table, its rows and which paths a row may use (and UsageError, status 2)
- repo:     the repository's files and which of them are C++
- includes: #include lines, comments stripped, resolved to files of the repository
- links:    target links from the CMake file API code model of a build tree
- deps:     the compiler's header dependencies of a built Ninja tree
- report:   what the checks found
- check:    run_check, one run of all of the above, and its output lines

Standard library only: the checker runs as a ctest under /usr/bin/python3 with nothing installed.
"""
