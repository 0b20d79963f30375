#pragma once
// Python implementations as the command line names them, and where they are:
//   python[:PYTHON][+MODULE][@METHOD]  drivers/python/driver.py under PYTHON (default python3;
//                      a path, a command, a wrapper script; CPython or PyPy), testing MODULE
//                      (default multiprocessing; billiard, multiprocess, any module with its
//                      API) with the start method METHOD (fork, spawn or forkserver)
//   cpython...         the same, by its older name
//   python:all[+MODULE][@METHOD]  every Python on PATH and in pyenv, CPython and PyPy: each
//                      with the standard module and with each fork of it installed for it
//                      (billiard, multiprocess); with +MODULE, each that has MODULE
//   cpython:all[@METHOD]  every CPython (not PyPy), with the standard module
#include <string>
#include <vector>

namespace shmcheck::cli {

struct PythonSpec {
  std::string python = "python3";
  std::string module = "multiprocessing";
  std::string method = "fork";
};

// Whether `spec` names a Python implementation (python..., cpython...).
bool is_python_spec(const std::string& spec);
// ValueError for an unknown start method or a module name that is not a dotted identifier.
PythonSpec parse_python_spec(const std::string& spec);
// One spec per implementation that python:all... or cpython:all... stands for; other specs
// are returned as they are.
std::vector<std::string> expand_python_spec(const std::string& spec);
// The command that starts the driver (through /bin/sh, so that PYTHON may be a command).
std::vector<std::string> python_driver_command(const PythonSpec& s, const std::string& driver_py);

// The interpreters: $(pyenv root)/versions/*/bin/python (oldest first), then in every PATH
// directory but pyenv's shims python, python2, python2.7, python3, python3.N, pypy, pypy3 and
// pypy3.N, one per real executable. `cpython_only` leaves PyPy out (by its name).
std::vector<std::string> find_pythons(bool cpython_only = false);
std::vector<std::string> find_cpythons();
// The forks python:all tests besides the standard module, when they are installed.
const std::vector<std::string>& known_forks();
// Which of `modules` PYTHON can import (with their .sharedctypes).
std::vector<std::string> importable_modules(const std::string& python, const std::vector<std::string>& modules);

}  // namespace shmcheck::cli
