#pragma once

#include <filesystem>
#include <string_view>

#include "core/junk/domain_set.hpp"
#include "core/result.hpp"

// Reading domain lists such as config/data/disposable-domains.txt. This is
// the junk rules' only file I/O; it runs at config load, never per event.
namespace leadsync::core::junk {

// Parses a list: one domain per line (see normalise_domain_entry for the
// accepted forms), "#" starts a comment, blank lines are ignored. Every bad
// line is an error (the first ten are named as "origin:line: ..."), so a
// truncated or corrupted download is not half-used.
result<domain_set> parse_domain_list(std::string_view text, std::string_view origin);

// Reads and parses a list file of at most 64 MiB.
result<domain_set> load_domain_file(const std::filesystem::path& path);

}  // namespace leadsync::core::junk
