using System.Text.Json.Nodes;

namespace FhirPractice.Fhir.Rest.Patch;

/// <summary>
/// Applies an RFC 6902 JSON Patch (application/json-patch+json). The patch is atomic: it is applied
/// to a deep clone, so the caller's document is never half-changed, and the patched clone is
/// returned. A malformed patch document is a 400; an operation that cannot be applied to this
/// document (missing target, failing test) is a 422. Error locations are JSON Pointers into the
/// patch document, such as "/1/path".
/// </summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonNode patch)
    {
        if (patch is not JsonArray operations)
            throw FhirError.BadRequest("A JSON Patch document must be an array of operations", "");

        JsonNode? result = document.DeepClone();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject operation)
                throw FhirError.BadRequest($"JSON Patch operation {i} is not an object", $"/{i}");
            result = new Step(i, operation).ApplyTo(result);
        }
        return result ?? throw FhirError.Unprocessable("JSON Patch would leave the document null", "");
    }

    /// <summary>One operation of the patch, read and checked, with its position for error messages.</summary>
    private sealed class Step
    {
        private readonly int _index;
        private readonly string _label;
        private readonly string _op;
        private readonly JsonPointer _path;
        private readonly JsonPointer? _from;
        private readonly JsonNode? _value;

        public Step(int index, JsonObject operation)
        {
            _index = index;
            // Read leniently so that even a malformed operation is named in its error.
            _label = $"JSON Patch operation {index} ({operation["op"]?.ToJsonString()} {operation["path"]?.ToJsonString()})";
            _op = RequiredString(operation, "op");
            _path = Pointer(operation, "path");
            switch (_op)
            {
                case "add" or "replace" or "test":
                    if (!operation.TryGetPropertyValue("value", out _value))
                        throw Malformed("value", $"'{_op}' needs a 'value'");
                    break;
                case "move" or "copy":
                    _from = Pointer(operation, "from");
                    if (_op == "move" && _from.IsProperPrefixOf(_path))
                        throw Malformed("from", $"cannot move {_from} into its own child {_path}");
                    break;
                case "remove":
                    break;
                default:
                    throw Malformed("op", $"unknown op '{_op}'");
            }
        }

        public JsonNode? ApplyTo(JsonNode? document) => _op switch
        {
            "add" => Add(document, _path, _value?.DeepClone()),
            "remove" => Remove(document, _path),
            "replace" => Add(Remove(document, _path), _path, _value?.DeepClone()),
            "move" => Move(document),
            "copy" => Add(document, _path, Resolve(document, _from!)?.DeepClone()),
            _ => Test(document),
        };

        private JsonNode? Move(JsonNode? document)
        {
            var value = Resolve(document, _from!);
            return Add(Remove(document, _from!), _path, value);
        }

        private JsonNode? Test(JsonNode? document)
        {
            var actual = Resolve(document, _path);
            if (!JsonNode.DeepEquals(actual, _value))
                throw Unprocessable($"test failed: the value at {_path} is {Show(actual)}, not {Show(_value)}");
            return document;
        }

        // Returns the document, which is the value itself when the path is the root.
        private JsonNode? Add(JsonNode? document, JsonPointer path, JsonNode? value)
        {
            if (path.IsRoot) return value;
            switch (Resolve(document, path.Parent))
            {
                case JsonObject parent:
                    parent[path.LastToken] = value;
                    break;
                case JsonArray parent:
                    var index = JsonPointer.ArrayIndex(path.LastToken, parent.Count, allowEnd: true)
                        ?? throw Missing(path, $"'{path.LastToken}' is not an index from 0 to {parent.Count} or '-'");
                    parent.Insert(index, value);
                    break;
                default:
                    throw Missing(path, $"{path.Parent} is not an object or array");
            }
            return document;
        }

        private JsonNode? Remove(JsonNode? document, JsonPointer path)
        {
            if (path.IsRoot) return null;
            switch (Resolve(document, path.Parent))
            {
                case JsonObject parent when parent.Remove(path.LastToken):
                    break;
                case JsonArray parent when JsonPointer.ArrayIndex(path.LastToken, parent.Count, allowEnd: false) is { } index:
                    parent.RemoveAt(index);
                    break;
                default:
                    throw Missing(path, $"{path} does not exist");
            }
            return document;
        }

        private JsonNode? Resolve(JsonNode? document, JsonPointer path)
        {
            var node = document;
            var walked = "";
            foreach (var token in path.Tokens)
            {
                walked += "/" + token.Replace("~", "~0").Replace("/", "~1");
                node = node switch
                {
                    JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                    JsonArray array when JsonPointer.ArrayIndex(token, array.Count, allowEnd: false) is { } index => array[index],
                    _ => throw Missing(path, $"{walked} does not exist"),
                };
            }
            return node;
        }

        private string RequiredString(JsonObject operation, string member) =>
            operation[member] is JsonValue value && value.TryGetValue<string>(out var text)
                ? text
                : throw Malformed(member, $"'{member}' must be present and a string");

        private JsonPointer Pointer(JsonObject operation, string member)
        {
            var text = RequiredString(operation, member);
            return JsonPointer.TryParse(text) ?? throw Malformed(member, $"'{text}' is not a JSON Pointer");
        }

        private FhirError Malformed(string member, string why) =>
            FhirError.BadRequest($"{_label}: {why}", $"/{_index}/{member}");

        private FhirError Missing(JsonPointer path, string why) =>
            Unprocessable($"path {path} cannot be applied: {why}");

        private FhirError Unprocessable(string why) =>
            FhirError.Unprocessable($"{_label}: {why}", $"/{_index}");

        private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";
    }
}
