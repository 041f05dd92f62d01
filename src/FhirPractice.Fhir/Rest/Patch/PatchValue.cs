using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest.Patch;

/// <summary>
/// Turns the "value" part of a FHIRPath Patch operation into a value fit for the element it goes
/// into: a value[x] or resource of the element's type, or a complex value built from nested parts
/// (the way anonymous backbone elements such as Patient.contact are sent). A value of another type
/// is refused with a 422.
/// </summary>
internal static class PatchValue
{
    // Types whose value is plain text: Parameters has no valueXhtml and codes with a bound
    // enumeration have their own POCO type, so text moves between these when it is valid there.
    private static readonly HashSet<string> TextTypes =
        ["string", "code", "id", "markdown", "uri", "url", "canonical", "oid", "uuid", "xhtml"];

    public static Base For(PropertyMapping element, Parameters.ParameterComponent part, FhirPathPatchOperation operation)
    {
        if (part.Value is null && part.Resource is null)
            return FromParts(element, part.Part, operation);
        Base given = (Base?)part.Value ?? part.Resource!;
        return Fit(element, given.DeepCopy(), operation);
    }

    private static Base FromParts(PropertyMapping element, IEnumerable<Parameters.ParameterComponent> parts,
        FhirPathPatchOperation operation)
    {
        var type = element.ImplementingType;
        if (element.Choice != ChoiceType.None || type.IsAbstract || typeof(PrimitiveType).IsAssignableFrom(type))
            throw operation.Unprocessable($"the value of '{element.Name}' cannot be built from parts: send a value[x]");

        var built = (Base)Activator.CreateInstance(type)!;
        foreach (var part in parts)
        {
            if (part.Name is null) throw operation.Malformed("a nested value part has no name");
            var child = PocoElements.Mapping(built, part.Name, operation);
            PocoElements.Add(built, child, For(child, part, operation), operation);
        }
        return built;
    }

    private static Base Fit(PropertyMapping element, Base value, FhirPathPatchOperation operation)
    {
        var accepted = element.Choice == ChoiceType.None ? [element.ImplementingType] : element.FhirType;
        if (accepted.Any(type => type.IsInstanceOfType(value))) return value;
        if (element.Choice == ChoiceType.None && value is PrimitiveType text && AsText(element.ImplementingType, text) is { } converted)
            return converted;
        throw operation.Unprocessable(
            $"a {value.TypeName} cannot be the value of '{element.Name}', which holds " +
            string.Join(" or ", accepted.Select(t => ModelInfo.GetFhirTypeNameForType(t) ?? t.Name)));
    }

    private static PrimitiveType? AsText(Type target, PrimitiveType value)
    {
        if (!TextTypes.Contains(value.TypeName) || !typeof(PrimitiveType).IsAssignableFrom(target) || target.IsAbstract)
            return null;
        var converted = (PrimitiveType)Activator.CreateInstance(target)!;
        if (!TextTypes.Contains(converted.TypeName)) return null;
        converted.JsonValue = value.JsonValue;
        converted.ElementId = value.ElementId;
        converted.Extension = value.Extension;
        return converted.HasValidValue() ? converted : null;
    }
}
