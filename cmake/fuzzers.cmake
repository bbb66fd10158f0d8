# Included by the root CMakeLists. Registers the libFuzzer targets of fuzz/ (a separate clang project, see fuzz/CMakeLists.txt)
# with the main build and CTest: each runs 60 s as fuzz_<target> (label fuzz; tests/run.sh runs
# them with the rest). clang is in deploy/local/lib.sh's package list.
set(MELTINGDOC_FUZZ_TARGETS gateway_transcode phi_guard page_token register_parser)
set(MELTINGDOC_FUZZ_DIR ${CMAKE_SOURCE_DIR}/fuzz)
set(MELTINGDOC_FUZZ_BUILD_DIR ${CMAKE_BINARY_DIR}/fuzz)

find_program(MELTINGDOC_CLANGXX clang++)
if(MELTINGDOC_CLANGXX)
  include(ExternalProject)
  ExternalProject_Add(meltingdoc_fuzzers
    SOURCE_DIR ${MELTINGDOC_FUZZ_DIR}
    BINARY_DIR ${MELTINGDOC_FUZZ_BUILD_DIR}
    CMAKE_ARGS -DCMAKE_CXX_COMPILER=${MELTINGDOC_CLANGXX} -DCMAKE_BUILD_TYPE=None
               -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}
               -DMELTINGDOC_SOURCE_DIR=${CMAKE_SOURCE_DIR}
               -DMELTINGDOC_PROTOS_LIB=$<TARGET_FILE:meltingdoc_protos>
               -DMELTINGDOC_PROTOS_INCLUDE=${CMAKE_BINARY_DIR}/protos/gen
    BUILD_ALWAYS ON
    INSTALL_COMMAND ""
    DEPENDS meltingdoc_protos)
endif()

foreach(target IN LISTS MELTINGDOC_FUZZ_TARGETS)
  if(MELTINGDOC_CLANGXX)
    add_test(NAME fuzz_${target}
             COMMAND ${MELTINGDOC_FUZZ_DIR}/run_fuzzer.sh ${MELTINGDOC_FUZZ_BUILD_DIR}/${target}_fuzzer
                     ${MELTINGDOC_FUZZ_DIR}/${target}_corpus 60)
  else()
    # No silent gap: without clang the fuzz test exists and fails, saying why.
    add_test(NAME fuzz_${target}
             COMMAND sh -c "echo 'clang++ not found: apt-get install clang (deploy/local/lib.sh installs it)'; exit 1")
  endif()
  set_tests_properties(fuzz_${target} PROPERTIES LABELS fuzz TIMEOUT 240)
endforeach()
