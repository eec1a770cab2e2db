# Generates default_definition.cpp: config/lead-definition.default.toml as a
# string in the binary, so leadsyncd runs its default definition with no file
# installed. Run by config/CMakeLists.txt at build time when the TOML changes.
file(READ ${INPUT} text)
string(FIND "${text}" ")leadsync_toml\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter")
endif()
file(WRITE ${OUTPUT}.tmp
  "// Generated from config/lead-definition.default.toml; do not edit.\n"
  "#include \"config/default_definition.hpp\"\n\n"
  "namespace leadsync::config {\n\n"
  "std::string_view default_definition_toml() {\n"
  "  static constexpr std::string_view text = R\"leadsync_toml(${text})leadsync_toml\";\n"
  "  return text;\n"
  "}\n\n"
  "}  // namespace leadsync::config\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
