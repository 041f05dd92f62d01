using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

/// <summary>Finds every Reference element in a resource, contained resources included.</summary>
public static class ReferenceWalker
{
    public static IEnumerable<ResourceReference> All(Base root)
    {
        var stack = new Stack<Base>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is ResourceReference reference) yield return reference;
            foreach (var (_, value) in node.EnumerateElements())
            {
                switch (value)
                {
                    case Base child when child is not PrimitiveType: stack.Push(child); break;
                    case IEnumerable<Base> list:
                        foreach (var item in list) if (item is not PrimitiveType) stack.Push(item);
                        break;
                }
            }
        }
    }
}
