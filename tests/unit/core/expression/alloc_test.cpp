// The hot path: evaluating a compiled rule allocates nothing (names are
// pre-resolved ids, values view storage). Counts operator new calls made by
// this thread while the counter is armed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <new>

#include "tests/unit/core/expression/test_environment.hpp"

namespace {

thread_local bool counting = false;
thread_local std::size_t allocations = 0;

void* counted_malloc(std::size_t size) noexcept {
  if (counting) {
    ++allocations;
  }
  return std::malloc(size == 0 ? 1 : size);
}

}  // namespace

// Every non-aligned form is replaced, so that allocation and release always
// pair up (the sanitizer build checks that).
void* operator new(std::size_t size) {
  if (void* p = counted_malloc(size)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace leadsync::core::expr {
namespace {

std::size_t allocations_during(const std::function<void()>& work) {
  allocations = 0;
  counting = true;
  work();
  counting = false;
  return allocations;
}

TEST(expression_hot_path, evaluation_does_not_allocate) {
  const compile_result e = compile(
      R"(score >= 50 && fit >= 20 && !junk && count("trial_started", 14d) >= 1 && grade in ["A", "B"] && )"
      R"(has(qualifiers.budget) && lead.country not in ["FR"] && max(score, fit) - 1 > 10 && 14d > 12h)",
      testing::test_vocabulary());
  ASSERT_TRUE(e);
  const testing::test_environment env;
  bool fired = false;
  EXPECT_EQ(allocations_during([&] {
              const test_result r = e->test(env);
              fired = r.ok() && r.value();
            }),
            0U);
  EXPECT_TRUE(fired);
}

TEST(expression_hot_path, only_failures_and_traces_allocate) {
  const compile_result e = compile("score > grade", testing::test_vocabulary());
  ASSERT_TRUE(e);
  const testing::test_environment env;
  EXPECT_GT(allocations_during([&] { (void)e->test(env); }), 0U);
}

}  // namespace
}  // namespace leadsync::core::expr
