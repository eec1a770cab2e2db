#pragma once

#include <chrono>
#include <cstdint>

namespace leadsync::core {

// Wall-clock instants in milliseconds since the Unix epoch. The engine never
// reads the clock itself: callers pass `now`, so evaluation is replayable.
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

inline std::int64_t to_millis(timestamp t) { return t.time_since_epoch().count(); }
inline timestamp from_millis(std::int64_t ms) { return timestamp{std::chrono::milliseconds{ms}}; }
inline timestamp now_utc() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace leadsync::core

#include <string>

namespace leadsync::core {

// "2026-11-22T13:12:20.123Z"
std::string format_rfc3339(timestamp t);

}  // namespace leadsync::core
