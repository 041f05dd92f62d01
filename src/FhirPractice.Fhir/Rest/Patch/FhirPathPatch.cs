using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.Fhir.Introspection;
using Hl7.FhirPath.Expressions;
using FhirPathExpression = Hl7.FhirPath.Expressions.Expression;

namespace FhirPractice.Fhir.Rest.Patch;

/// <summary>
/// Applies a FHIRPath Patch (http://hl7.org/fhir/R4/fhirpatch.html): a Parameters resource whose
/// "operation" parameters add, insert, delete, replace or move elements found by FHIRPath.
/// The patch is atomic and the caller's resource is never changed: every operation is read and
/// checked first (malformed → 400), then all are applied in order to a deep copy, which is
/// returned. An operation that does not fit the resource (a path that finds no element or more
/// than one, an index out of range, a value of the wrong type) is a 422.
/// </summary>
public static class FhirPathPatch
{
    private static readonly FhirPathCompiler Compiler = new();

    public static TResource Apply<TResource>(TResource resource, Parameters patch) where TResource : Resource
    {
        var operations = FhirPathPatchOperation.ReadAll(patch);
        var patched = (TResource)resource.DeepCopy();
        foreach (var operation in operations) Apply(patched, operation);
        return patched;
    }

    private static void Apply(Resource resource, FhirPathPatchOperation operation)
    {
        switch (operation.Type)
        {
            case "add":
                var owner = Single(Select(resource, Parse(operation), operation), operation).Poco;
                var element = PocoElements.Mapping(owner, operation.Name!, operation);
                PocoElements.Add(owner, element, PatchValue.For(element, operation.Value!, operation), operation);
                break;
            case "insert":
                Insert(resource, operation);
                break;
            case "move":
                Move(resource, operation);
                break;
            case "replace":
                var target = InParent(Single(Select(resource, Parse(operation), operation), operation), operation);
                PocoElements.Replace(target.Owner, target.Element, target.Index,
                    PatchValue.For(target.Element, operation.Value!, operation));
                break;
            case "delete":
                var found = Select(resource, Parse(operation), operation);
                if (found.Count == 0) return; // deleting what is not there is no change
                var doomed = InParent(Single(found, operation), operation);
                PocoElements.Remove(doomed.Owner, doomed.Element, doomed.Index);
                break;
        }
    }

    private static void Insert(Resource resource, FhirPathPatchOperation operation)
    {
        var (owner, element) = ListAt(resource, operation);
        var list = PocoElements.List(owner, element);
        var index = operation.Index!.Value;
        if (index < 0 || index > list.Count)
            throw operation.Unprocessable($"index {index} is outside 0..{list.Count}");
        list.Insert(index, PatchValue.For(element, operation.Value!, operation));
    }

    // The destination is an index into the list as it is once the item has been taken out.
    private static void Move(Resource resource, FhirPathPatchOperation operation)
    {
        var (owner, element) = ListAt(resource, operation);
        var list = PocoElements.List(owner, element);
        int source = operation.Source!.Value, destination = operation.Destination!.Value;
        if (source < 0 || source >= list.Count)
            throw operation.Unprocessable($"source {source} is outside 0..{list.Count - 1}");
        if (destination < 0 || destination >= list.Count)
            throw operation.Unprocessable($"destination {destination} is outside 0..{list.Count - 1}");
        var item = list[source];
        list.RemoveAt(source);
        list.Insert(destination, item);
    }

    /// <summary>
    /// insert and move name a list, which may be empty, so the path cannot simply be evaluated:
    /// it must end in an element name, and what precedes that name must find the one owner.
    /// </summary>
    private static (Base Owner, PropertyMapping Element) ListAt(
        Resource resource, FhirPathPatchOperation operation)
    {
        if (Parse(operation) is not ChildExpression child)
            throw operation.Unprocessable("the path must end in the name of a repeating element");
        var owner = Single(Select(resource, child.Focus, operation), operation, "the element holding the list").Poco;
        var element = PocoElements.Mapping(owner, child.ChildName, operation);
        if (!element.IsCollection)
            throw operation.Unprocessable($"{owner.TypeName}.{element.Name} is not a repeating element");
        return (owner, element);
    }

    private static (Base Owner, PropertyMapping Element, int? Index) InParent(
        PocoNode node, FhirPathPatchOperation operation)
    {
        if (node.Parent is not { } parent || node.Name is null)
            throw operation.Unprocessable("the path must find an element inside the resource, not the resource itself or a computed value");
        return (parent.Poco, PocoElements.Mapping(parent.Poco, node.Name, operation), node.Index);
    }

    private static PocoNode Single(IReadOnlyList<PocoNode> found, FhirPathPatchOperation operation,
        string what = "the path")
    {
        return found.Count switch
        {
            1 => found[0],
            0 => throw operation.Unprocessable($"{what} finds no element"),
            _ => throw operation.Unprocessable($"{what} finds {found.Count} elements; it must find exactly one"),
        };
    }

    private static FhirPathExpression Parse(FhirPathPatchOperation operation)
    {
        try
        {
            return Compiler.Parse(operation.Path);
        }
        catch (FormatException e)
        {
            throw operation.Malformed($"the path is not valid FHIRPath: {e.Message}");
        }
    }

    private static IReadOnlyList<PocoNode> Select(Resource resource, FhirPathExpression path, FhirPathPatchOperation operation)
    {
        try
        {
            return Compiler.Compile(path)(resource.ToPocoNode(), new EvaluationContext()).ToList();
        }
        catch (Exception e) when (e is not FhirError)
        {
            throw operation.Unprocessable($"the path could not be evaluated: {e.Message}");
        }
    }
}
