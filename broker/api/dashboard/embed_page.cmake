# Writes a C++ source that holds a text file as a string_view, so the broker serves the page
# from its own binary (no files to install, nothing to build in a browser toolchain).
# cmake -DINPUT=page.html -DOUTPUT=page.cpp -DSYMBOL=kName -P embed_page.cmake
file(READ "${INPUT}" text)
string(FIND "${text}" ")hiepage\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter )hiepage\"")
endif()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by embed_page.cmake: edit that file, not this one.\n#include <string_view>\n\nnamespace hie::api {\nextern const std::string_view ${SYMBOL};\nconst std::string_view ${SYMBOL} = R\"hiepage(${text})hiepage\";\n}  // namespace hie::api\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
