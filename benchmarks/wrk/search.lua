-- GET a random request path from LOAD_PATHS_FILE (full paths, e.g. /fhir/Patient?family=…): the search benchmark's queries.
package.path = (os.getenv("LOAD_WRK_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")
local paths

setup = common.setup
done = common.done

function init()
  paths = common.read_lines(os.getenv("LOAD_PATHS_FILE"))
  math.randomseed(os.time() * 100 + (thread_index or 0))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], { ["Accept"] = "application/fhir+json" })
end
