// Placeholder until the command group is written.
#include "cli/app.h"

namespace callbase::cli {

void RegisterImportCommands(CLI::App& /*cli*/, App& /*app*/) {}

}  // namespace callbase::cli
