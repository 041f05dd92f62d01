using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>An operation's input: the query's parameters and, on POST, those of a Parameters body.</summary>
internal sealed class OperationParameters
{
    private readonly List<(string Name, string? Value, Resource? Resource)> _values = [];

    public OperationParameters(FhirRequest r)
    {
        foreach (var (name, value) in r.Query) _values.Add((name, value, null));
        if (r.ParsedBody is null && r.Body.IsEmpty) return;
        if (FhirEngine.ParseBody(r) is not Parameters parameters)
            throw FhirError.BadRequest("The body of this operation is a Parameters resource", "resourceType");
        foreach (var p in parameters.Parameter)
            _values.Add((p.Name ?? "", p.Value switch
            {
                null => null,
                ResourceReference reference => reference.Reference,
                Coding coding => coding.System is null ? coding.Code : $"{coding.System}|{coding.Code}",
                PrimitiveType primitive => primitive.ToString(),
                _ => throw FhirError.BadRequest($"The parameter '{p.Name}' has a type this operation does not take", $"Parameters.parameter('{p.Name}')"),
            }, p.Resource));
    }

    public IReadOnlyList<string> All(string name) => _values.Where(v => v.Name == name && v.Value is not null).Select(v => v.Value!).ToList();

    public string? Single(string name)
    {
        var values = All(name);
        return values.Count > 1 ? throw FhirError.BadRequest($"The parameter '{name}' may be given once", name) : values.FirstOrDefault();
    }

    public T? Resource<T>(string name) where T : Resource =>
        _values.FirstOrDefault(v => v.Name == name).Resource switch
        {
            null => null,
            T resource => resource,
            var other => throw FhirError.BadRequest($"The parameter '{name}' must be a {typeof(T).Name}, not a {other.TypeName}", $"Parameters.parameter('{name}')"),
        };

    /// <summary>A date or dateTime parameter as an instant (a date is the start of that day in the practice's zone).</summary>
    public DateTimeOffset? Instant(string name, NodaTime.DateTimeZone zone)
    {
        if (Single(name) is not { } value) return null;
        if (NodaTime.Text.LocalDatePattern.Iso.Parse(value) is { Success: true } date) return zone.AtStartOfDay(date.Value).ToDateTimeOffset();
        return value.Length > 10 && value.Contains('T') && DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var instant) && (value.EndsWith('Z') || value.LastIndexOfAny(['+', '-']) > 10)
            ? instant
            : throw FhirError.BadRequest($"'{value}' is not a date or a dateTime with a time zone", name);
    }
}
