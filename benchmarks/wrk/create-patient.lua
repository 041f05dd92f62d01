-- POST /fhir/Patient with the same realistic Patient every time (the server assigns the id).
-- A fixed request lets wrk send it without calling Lua per request.
package.path = (os.getenv("LOAD_WRK_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

wrk.method = "POST"
wrk.path = wrk.path .. "/Patient"
wrk.body = common.read_file((os.getenv("LOAD_WRK_DIR") or ".") .. "/patient.json")
for name, value in pairs(common.write_headers()) do wrk.headers[name] = value end
