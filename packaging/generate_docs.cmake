# Run by the netlab_docs target (packaging/CMakeLists.txt):
#   cmake -DNETLAB=<binary> -DOUT=<dir> -DCHANGELOG=<file> -P generate_docs.cmake
# Writes OUT/man/*.1.gz, OUT/completion/netlab and OUT/changelog.gz, then
# OUT/stamp. gzip -9n: no name or time stamp inside, as Debian policy asks.
file(REMOVE_RECURSE ${OUT}/man ${OUT}/completion)
file(MAKE_DIRECTORY ${OUT}/completion)
execute_process(COMMAND ${NETLAB} generate-docs --man-dir ${OUT}/man --bash-completion ${OUT}/completion/netlab
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "netlab generate-docs failed (${rc})")
endif()
file(COPY_FILE ${CHANGELOG} ${OUT}/changelog)
file(GLOB pages ${OUT}/man/*.1)
foreach(f ${pages} ${OUT}/changelog)
  execute_process(COMMAND gzip -9nf ${f} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${f} failed (${rc})")
  endif()
endforeach()
file(TOUCH ${OUT}/stamp)
