// The reference when the platform refuses it a robust mutex. qemu-user on riscv64 does: glibc
// finds set_robust_list missing at start-up and pthread_mutex_init answers ENOTSUP for every
// robust mutex. This binary is linked with --wrap=pthread_mutex_init so that the refusal can be
// switched on here, on the host, where it otherwise never happens.
#include <pthread.h>

#include <cerrno>

#include <gtest/gtest.h>

#include <shmcheck/error.hpp>
#include <shmcheck/object.hpp>

#include <functional>

namespace {
bool refuse_robust = false;
}

extern "C" int __real_pthread_mutex_init(pthread_mutex_t*, const pthread_mutexattr_t*);

extern "C" int __wrap_pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr) {
  int robust = PTHREAD_MUTEX_STALLED;
  if (refuse_robust && attr && pthread_mutexattr_getrobust(attr, &robust) == 0 && robust == PTHREAD_MUTEX_ROBUST)
    return ENOTSUP;
  return __real_pthread_mutex_init(m, attr);
}

namespace shmcheck {
namespace {

struct Refusing {
  Refusing() { refuse_robust = true; }
  ~Refusing() { refuse_robust = false; }
};

int refused_errno(const std::function<void()>& create) {
  try {
    create();
  } catch (const OSError& e) {
    return e.error_number();
  }
  return 0;
}

// Each refusal is the same OSError, however often it is asked: a half-made arena kept after
// the first refusal used to be locked through a mutex never constructed (a hang or a crash).
TEST(RefusedRobustMutex, EveryCreationIsRefusedAsAnOSError) {
  Refusing refusing;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(refused_errno([] { make_array('i', 4, LockPolicy::none()); }), ENOTSUP) << "raw array, attempt " << i;
    EXPECT_EQ(refused_errno([] { make_value('d', Item(1.5)); }), ENOTSUP) << "value, attempt " << i;
    EXPECT_EQ(refused_errno([] { make_array('b', 1 << 20, LockPolicy::none()); }), ENOTSUP)
        << "large raw array, attempt " << i;
  }
}

TEST(RefusedRobustMutex, TheHeapWorksOnceTheRefusalEnds) {
  {
    Refusing refusing;
    EXPECT_EQ(refused_errno([] { make_array('i', 4, LockPolicy::none()); }), ENOTSUP);
  }
  Object a = make_array('i', 4, LockPolicy::none());
  a.set(2, Item(7));
  EXPECT_EQ(a.get(2), Item(7));
  Object v = make_value('q', Item(5));
  EXPECT_EQ(v.value(), Item(5));
}

}  // namespace
}  // namespace shmcheck
