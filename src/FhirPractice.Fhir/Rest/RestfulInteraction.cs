namespace FhirPractice.Fhir.Rest;

/// <summary>
/// What a request asks for, in the terms of the FHIR RESTful interaction code system
/// (http://hl7.org/fhir/restful-interaction): read, vread, update, patch, delete, history-instance, history-type,
/// history-system, create, search-type, search-system, capabilities, transaction, batch, operation.
/// Hooks (audit, authorisation) see requests through it instead of parsing paths themselves.
/// </summary>
/// <param name="Code">The restful-interaction code.</param>
/// <param name="Type">The resource type the request names, if any.</param>
/// <param name="Id">The resource id the request names, if any.</param>
/// <param name="Operation">For an operation: its name without '$'.</param>
public sealed record RestfulInteraction(string Code, string? Type = null, string? Id = null, string? Operation = null)
{
    public const string System = "http://hl7.org/fhir/restful-interaction";

    /// <summary>The parent code a search or history interaction has in the code system ("search", "history"), else null.</summary>
    public string? Parent => Code switch
    {
        "search-type" or "search-system" => "search",
        "history-instance" or "history-type" or "history-system" => "history",
        _ => null,
    };

    public bool IsSearch => Parent == "search";

    /// <summary>Classifies a request by method and path, as the engine routes it; an unroutable request is still named by its method.</summary>
    public static RestfulInteraction Of(FhirRequest r)
    {
        var method = r.Method.ToUpperInvariant();
        if (method == "HEAD") method = "GET";
        var segments = r.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            [] => method == "POST" ? new("transaction") : new("search-system"),
            ["metadata"] => new("capabilities"),
            ["_history"] => new("history-system"),
            ["_search"] => new("search-system"),
            [var op] when op.StartsWith('$') => new("operation", Operation: op[1..]),
            ["_jobs", var job] => new("operation", Id: job, Operation: "_jobs"),
            [var type] => new(method switch { "POST" => "create", "PUT" => "update", "DELETE" => "delete", "PATCH" => "patch", _ => "search-type" }, type),
            [var type, "_search"] => new("search-type", type),
            [var type, "_history"] => new("history-type", type),
            [var type, var op] when op.StartsWith('$') => new("operation", type, Operation: op[1..]),
            [var type, var id] => new(method switch { "PUT" => "update", "DELETE" => "delete", "PATCH" => "patch", _ => "read" }, type, id),
            [var type, var id, "_history"] => new("history-instance", type, id),
            [var type, var id, "_history", _] => new("vread", type, id),
            [var type, var id, var op] when op.StartsWith('$') => new("operation", type, id, op[1..]),
            // A compartment search: the compartment's focal resource is what the request names.
            [var type, var id, ..] => new("search-type", type, id),
        };
    }
}
