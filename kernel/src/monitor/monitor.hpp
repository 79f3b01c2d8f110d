// The kernel monitor: a small console shell for inspecting the machine until
// the personalities (vsh, Linux init) take over the console.
#pragma once

#include <cstddef>

namespace monitor {

constexpr std::size_t kLineMax = 256;

// Reads a line with echo and editing; false if the user discarded it.
bool read_line(char* line);

// Runs one command line (commands separated by `;` or `&&`); returns the
// exit status of the last command run.
int execute(char* line);

// The interactive loop; never returns.
[[noreturn]] void run_interactive();

}  // namespace monitor
