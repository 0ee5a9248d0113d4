// Paths into and out of a run. A path written in a scenario is relative to the scenario's
// folder, not to the working directory. A path written into the outputs is relative to the
// repository (a file outside it is named by its file name), so that stats.json and trace.json
// do not depend on the working directory, on how a path was spelt, or on the build folder.
#pragma once
#include <string>

namespace rmesim {

// A profile name ("default": platform/profiles/default.yaml) or a path (with a '/' or ending
// .yaml), relative to `base_dir` ("": the working directory).
std::string resolve_profile_path(const std::string& name_or_path, const std::string& base_dir = "");

// `path` as written in the scenario file `scenario_file`: relative to the scenario's folder.
std::string path_in_scenario(const std::string& path, const std::string& scenario_file);

// How outputs name the file `path`: relative to the repository, else by its file name.
std::string recorded_path(const std::string& path);

// Empty when the folder `dir` exists or can be made, and can be written in; else why not.
// Nothing is made: outputs are checked together before any of them is written.
std::string folder_problem(const std::string& dir);

}  // namespace rmesim
