using System.Collections;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest.Patch;

/// <summary>
/// Reads and writes a named child element of a POCO through the SDK's element dictionary
/// (<see cref="Base.TryGetValue"/> / <see cref="Base.SetValue"/>), with the model metadata that says
/// whether the element repeats and what type it holds.
/// </summary>
internal static class PocoElements
{
    public static PropertyMapping Mapping(Base owner, string name, FhirPathPatchOperation operation) =>
        ModelInfo.ModelInspector.FindOrImportClassMapping(owner.GetType())?.FindMappedElementByName(name)
        ?? throw operation.Unprocessable($"{owner.TypeName} has no element named '{name}'");

    /// <summary>The live list behind a repeating element (an empty one, attached, if it has none yet).</summary>
    public static IList List(Base owner, PropertyMapping element)
    {
        if (owner.TryGetValue(element.Name, out var value) && value is IList list) return list;
        var created = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element.ImplementingType))!;
        owner.SetValue(element.Name, created);
        return created;
    }

    /// <summary>Appends to a repeating element, or fills a single one that is still empty.</summary>
    public static void Add(Base owner, PropertyMapping element, Base value, FhirPathPatchOperation operation)
    {
        if (element.IsCollection)
            List(owner, element).Add(value);
        else if (owner.TryGetValue(element.Name, out var existing) && existing is not null)
            throw operation.Unprocessable($"{owner.TypeName}.{element.Name} already has a value and does not repeat");
        else
            owner.SetValue(element.Name, value);
    }

    /// <summary>Sets the element, or the list item at <paramref name="index"/> when it repeats.</summary>
    public static void Replace(Base owner, PropertyMapping element, int? index, Base value)
    {
        if (element.IsCollection && index is { } at)
            List(owner, element)[at] = value;
        else
            owner.SetValue(element.Name, value);
    }

    /// <summary>Clears the element, or removes the list item at <paramref name="index"/> when it repeats.</summary>
    public static void Remove(Base owner, PropertyMapping element, int? index)
    {
        if (element.IsCollection && index is { } at)
            List(owner, element).RemoveAt(at);
        else
            owner.SetValue(element.Name, null);
    }
}
