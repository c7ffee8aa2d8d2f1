message(STATUS "kernel build: not yet")
