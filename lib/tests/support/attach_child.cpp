// The exec'ed child of the handle tests: attaches to an object by handle text and reads or
// changes it, so that a test can see what a separately started process sees.
//
//   shmcheck_attach_child HANDLE read        prints the elements (or the value), one line
//   shmcheck_attach_child HANDLE add N       adds N to every element, holding the lock if any
//   shmcheck_attach_child HANDLE hold-lock   acquires the lock, prints "held", sleeps forever
#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: shmcheck_attach_child HANDLE read|add N|hold-lock\n";
    return 2;
  }
  try {
    shmcheck::Object obj = shmcheck::attach(argv[1]);
    const std::string action = argv[2];
    if (action == "read") {
      if (obj.shape() == shmcheck::Shape::value) {
        std::cout << obj.value().repr() << "\n";
      } else {
        std::string line;
        for (std::size_t i = 0; i < obj.length(); ++i) line += (i ? "," : "") + obj.get(static_cast<std::int64_t>(i)).repr();
        std::cout << line << "\n";
      }
      return 0;
    }
    if (action == "add" && argc == 4) {
      const long n = std::stol(argv[3]);
      auto bump = [&] {
        if (obj.shape() == shmcheck::Shape::value) {
          obj.set_value(shmcheck::Item(obj.value().as_int() + n));
        } else {
          for (std::size_t i = 0; i < obj.length(); ++i) {
            const auto k = static_cast<std::int64_t>(i);
            obj.set(k, shmcheck::Item(obj.get(k).as_int() + n));
          }
        }
      };
      if (obj.is_synchronized()) {
        shmcheck::Guard g(obj.get_lock());
        bump();
      } else {
        bump();
      }
      return 0;
    }
    if (action == "hold-lock") {
      obj.get_lock().acquire();
      std::cout << "held" << std::endl;
      for (;;) std::this_thread::sleep_for(std::chrono::hours(1));  // until it is killed
    }
    std::cerr << "unknown action " << action << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "shmcheck_attach_child: " << e.what() << "\n";
    return 3;
  }
}
