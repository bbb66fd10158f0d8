# meltingdoc_embed_migrations(<library> FUNCTION <c++ function name> DIR <migrations dir>)
# Compiles every <DIR>/NNNN_name.sql into <library>, as the body of
#   const std::vector<meltingdoc::pg::Migration>& <FUNCTION>();
# so a service binary carries its schema with it (no files to ship beside the binary).
function(meltingdoc_embed_migrations library)
  cmake_parse_arguments(E "" "FUNCTION;DIR" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS ${E_DIR}/*.sql)
  list(SORT sql_files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${E_FUNCTION}.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFUNCTION=${E_FUNCTION} "-DFILES=${sql_files}"
            -P ${CMAKE_SOURCE_DIR}/cmake/write_migrations_source.cmake
    DEPENDS ${sql_files} ${CMAKE_SOURCE_DIR}/cmake/write_migrations_source.cmake
    COMMENT "Embedding migrations of ${E_DIR}"
    VERBATIM)
  add_library(${library} STATIC ${out})
  target_link_libraries(${library} PUBLIC meltingdoc_pg)
endfunction()
