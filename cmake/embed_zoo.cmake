# Turns the zoo/ .fv files into a C table of built-in networks (run with cmake -P).
# Each file starts with two comment lines:
#   # <one-line description>
#   # source: <where its numbers come from>
# and its name is the file name without .fv.
file(GLOB files "${ZOO_DIR}/*.fv")
list(SORT files)
set(out "/* Generated from the .fv files in zoo/ by cmake/embed_zoo.cmake. */\n#include \"zoo_data.h\"\n\nconst fv_zoo_entry fv_zoo_entries[] = {\n")
set(count 0)
foreach(f ${files})
  get_filename_component(name ${f} NAME_WE)
  file(STRINGS ${f} head LIMIT_COUNT 2)
  list(GET head 0 description)
  list(GET head 1 source)
  string(REGEX REPLACE "^# *" "" description "${description}")
  string(REGEX REPLACE "^# *source: *" "" source "${source}")
  file(READ ${f} text)
  foreach(var description source text)
    string(REPLACE "\\" "\\\\" ${var} "${${var}}")
    string(REPLACE "\"" "\\\"" ${var} "${${var}}")
  endforeach()
  string(REPLACE "\n" "\\n\"\n     \"" text "${text}")
  string(APPEND out "    {\"${name}\", \"${description}\", \"${source}\",\n     \"${text}\"},\n")
  math(EXPR count "${count} + 1")
endforeach()
string(APPEND out "};\n\nconst unsigned fv_zoo_count = ${count};\n")
file(WRITE "${OUT}.tmp" "${out}")
# Only touch the output when it changed, so that builds stay incremental.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
