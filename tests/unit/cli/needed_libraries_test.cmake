# The netlab executable binds none of the libraries it loads on first use
# (model::SharedLibrary): their binding at start-up, with their dependencies,
# would again cost every command (docs/benchmarks.md). Fails naming any such
# library found among the NEEDED entries of its dynamic section.
execute_process(COMMAND readelf -d ${NETLAB} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf -d ${NETLAB}: exit ${rc}\n${err}")
endif()
string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]\n]+\\]" needed "${out}")
list(LENGTH needed count)
if(count EQUAL 0)
  message(FATAL_ERROR "readelf -d ${NETLAB} lists no NEEDED entry:\n${out}")
endif()
foreach(entry ${needed})
  foreach(loaded libpcap libgvc libcgraph libxml2 libvirt libnftables)
    if(entry MATCHES "\\[${loaded}[.-]")
      message(FATAL_ERROR "netlab is linked with ${loaded} (${entry}); it must be loaded with dlopen")
    endif()
  endforeach()
endforeach()
message(STATUS "${count} NEEDED entries, none of libpcap, libgvc, libcgraph, libxml2, libvirt, libnftables")
