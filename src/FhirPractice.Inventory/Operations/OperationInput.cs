using System.Globalization;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Inventory.Operations;

/// <summary>
/// An inventory operation's input: the URL's query and, for POST, a Parameters body, read as text per name.
/// Names the operation does not know, values given twice and values of the wrong shape are 400s naming the parameter.
/// </summary>
internal sealed class OperationInput
{
    private readonly string _operation;
    private readonly PracticeCalendar _calendar;
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private OperationInput(string operation, PracticeCalendar calendar) => (_operation, _calendar) = (operation, calendar);

    public static OperationInput Read(FhirRequest r, PracticeCalendar calendar, string operation, params string[] known)
    {
        var input = new OperationInput(operation, calendar);
        foreach (var (name, value) in r.Query.Where(q => q.Key is not ("_format" or "_pretty")))
            input.Add(name, value, known);
        if (r.Method == "POST" && (!r.Body.IsEmpty || r.ParsedBody is not null))
        {
            if (FhirEngine.ParseBody(r) is not Parameters parameters) throw FhirError.BadRequest($"${operation} takes a Parameters body");
            foreach (var p in parameters.Parameter)
                input.Add(p.Name ?? "", p.Value switch
                {
                    ResourceReference reference => reference.Reference,
                    Quantity quantity => quantity.Value?.ToString(CultureInfo.InvariantCulture),
                    FhirDecimal d => d.Value?.ToString(CultureInfo.InvariantCulture),
                    Coding coding => coding.Code,
                    PrimitiveType primitive => primitive.ToString(),
                    _ => null,
                } ?? throw FhirError.BadRequest($"${operation}: the parameter '{p.Name}' has no value of a type it takes", p.Name), known);
        }
        else if (r.Method is not ("GET" or "POST"))
            throw FhirError.NotSupported($"${operation} is invoked with GET or POST");
        return input;
    }

    private void Add(string name, string value, string[] known)
    {
        if (!known.Contains(name)) throw FhirError.BadRequest($"${_operation} has no parameter '{name}' (it takes {string.Join(", ", known)})", name);
        if (!_values.TryAdd(name, value)) throw FhirError.BadRequest($"${_operation}: '{name}' may be given once", name);
    }

    public string? Text(string name) => _values.GetValueOrDefault(name) is { Length: > 0 } v ? v : null;

    public string RequiredText(string name) => Text(name) ?? throw FhirError.BadRequest($"${_operation} needs '{name}'", name);

    /// <summary>A local reference to one of <paramref name="types"/>.</summary>
    public string? Reference(string name, params string[] types)
    {
        if (Text(name) is not { } value) return null;
        var slash = value.IndexOf('/');
        if (slash <= 0 || !types.Contains(value[..slash]) || value.IndexOf('/', slash + 1) >= 0 || slash == value.Length - 1)
            throw FhirError.BadRequest($"${_operation}: '{name}' must be a reference to a {string.Join(" or ", types)} (Type/id), not '{value}'", name);
        return value;
    }

    public string RequiredReference(string name, params string[] types) =>
        Reference(name, types) ?? throw FhirError.BadRequest($"${_operation} needs '{name}' (a reference to a {string.Join(" or ", types)})", name);

    public decimal? Decimal(string name) =>
        Text(name) is not { } value ? null
        : decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d
        : throw FhirError.BadRequest($"${_operation}: '{name}' must be a decimal number, not '{value}'", name);

    public decimal RequiredPositive(string name) =>
        Decimal(name) is > 0 and var d ? d : throw FhirError.BadRequest($"${_operation} needs '{name}', a positive number", name);

    /// <summary>An instant; a date alone means the end of the practice's day, so "as of 2025-03-01" includes that day.</summary>
    public DateTimeOffset? Instant(string name)
    {
        if (Text(name) is not { } value) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", out var day)) return _calendar.EndOf(day);
        if (value.Length > 10 && FhirDateTime.IsValidValue(value)) return new FhirDateTime(value).ToDateTimeOffset(TimeSpan.Zero).ToUniversalTime();
        throw FhirError.BadRequest($"${_operation}: '{name}' must be a date (YYYY-MM-DD) or a dateTime with a time zone, not '{value}'", name);
    }
}
