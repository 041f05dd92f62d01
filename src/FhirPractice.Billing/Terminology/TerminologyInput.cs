using System.Globalization;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Terminology;

/// <summary>
/// The input of <c>$lookup</c> / <c>$validate-code</c>: the URL's query and, for POST, a Parameters body. A name the
/// operation does not take, a value given twice, a malformed date or version, or a coding that disagrees with the
/// system given beside it is a 400 naming the parameter.
/// </summary>
internal sealed class TerminologyInput
{
    private readonly string _operation;
    private readonly Dictionary<string, DataType> _values = new(StringComparer.Ordinal);

    private TerminologyInput(string operation) => _operation = operation;

    public static TerminologyInput Read(FhirRequest r, string operation, params string[] known)
    {
        var input = new TerminologyInput(operation);
        foreach (var (name, value) in r.Query.Where(q => q.Key is not ("_format" or "_pretty")))
            input.Add(name, name switch
            {
                "coding" => ParseCoding(value, operation),
                _ => new FhirString(value),
            }, known);
        if (r.Method == "POST" && (!r.Body.IsEmpty || r.ParsedBody is not null))
        {
            if (FhirEngine.ParseBody(r) is not Parameters parameters) throw FhirError.BadRequest($"${operation} takes a Parameters body");
            foreach (var p in parameters.Parameter)
                input.Add(p.Name ?? "", p.Value ?? throw FhirError.BadRequest($"${operation}: '{p.Name}' has no value", p.Name), known);
        }
        else if (r.Method is not ("GET" or "POST"))
            throw FhirError.NotSupported($"${operation} is invoked with GET or POST");
        return input;
    }

    private void Add(string name, DataType value, string[] known)
    {
        if (!known.Contains(name)) throw FhirError.BadRequest($"${_operation} has no parameter '{name}' (it takes {string.Join(", ", known)})", name);
        if (!_values.TryAdd(name, value)) throw FhirError.BadRequest($"${_operation}: '{name}' may be given once", name);
    }

    public string? Text(string name) => _values.GetValueOrDefault(name) switch
    {
        null => null,
        PrimitiveType p => p.ToString() is { Length: > 0 } text ? text : null,
        _ => throw FhirError.BadRequest($"${_operation}: '{name}' takes a primitive value", name),
    };

    public Coding? Coding(string name) => _values.GetValueOrDefault(name) switch
    {
        null => null,
        Coding c => c,
        _ => throw FhirError.BadRequest($"${_operation}: '{name}' takes a Coding", name),
    };

    public CodeableConcept? Concept(string name) => _values.GetValueOrDefault(name) switch
    {
        null => null,
        CodeableConcept c => c,
        _ => throw FhirError.BadRequest($"${_operation}: '{name}' takes a CodeableConcept", name),
    };

    public bool? Boolean(string name) => Text(name) switch
    {
        null => null,
        "true" or "True" => true,
        "false" or "False" => false,
        var other => throw FhirError.BadRequest($"${_operation}: '{name}' must be true or false, not '{other}'", name),
    };

    /// <summary>A date, or the day of a dateTime (the date of service).</summary>
    public DateOnly? Date(string name)
    {
        if (Text(name) is not { } value) return null;
        if (value.Length >= 10 && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) &&
            (value.Length == 10 || FhirDateTime.IsValidValue(value)))
            return day;
        throw FhirError.BadRequest($"${_operation}: '{name}' must be a date (YYYY-MM-DD) or a dateTime, not '{value}'", name);
    }

    /// <summary>GET carries a coding as system|code.</summary>
    private static Coding ParseCoding(string value, string operation)
    {
        var bar = value.IndexOf('|');
        if (bar <= 0 || bar == value.Length - 1) throw FhirError.BadRequest($"${operation}: 'coding' in the URL is system|code, not '{value}'", "coding");
        return new Coding(value[..bar], value[(bar + 1)..]);
    }
}
