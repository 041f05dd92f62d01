using System.Collections;
using System.Text.RegularExpressions;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// A search parameter's expression, compiled for one resource type. Most R4 expressions are plain
/// paths, sometimes with a type test or a simple filter; those are walked directly over the POCOs
/// (tens of times faster than the general FHIRPath engine). Anything else goes to the Firely
/// FHIRPath compiler. Union branches about other resource types ("Patient.name | Person.name")
/// are dropped first.
/// </summary>
public abstract partial class IndexExpression
{
    public IEnumerable<Base> Evaluate(Resource resource) => Evaluate(resource, resource);

    /// <summary>Evaluates the expression on <paramref name="focus"/>, an element of <paramref name="root"/> (or the resource itself).</summary>
    public abstract IEnumerable<Base> Evaluate(Resource root, Base focus);

    public static IndexExpression Compile(string expression, string type, FhirPathCompiler compiler)
    {
        var all = SplitTopLevel(expression, '|');
        var branches = all.Select(b => b.Trim()).Where(b => AppliesTo(b, type)).ToList();
        if (branches.Count == 0) return new Nothing();
        var paths = branches.Select(b => PathExpression.TryParse(b, type)).ToList();
        if (paths.All(p => p is not null)) return new Paths(paths!, IsUnion: all.Count > 1);
        return new General(compiler.Compile(string.Join(" | ", branches)));
    }

    /// <summary>A composite parameter's component expression, relative to an element its base expression selects ("code", "value.as(Quantity)").</summary>
    public static IndexExpression CompileRelative(string expression, FhirPathCompiler compiler)
    {
        const string focus = "$focus";
        var all = SplitTopLevel(expression, '|').Select(b => b.Trim()).ToList();
        var paths = all.Select(b => PathExpression.TryParse(focus + "." + b, focus)).ToList();
        if (paths.All(p => p is not null)) return new Paths(paths!, IsUnion: all.Count > 1);
        return new General(compiler.Compile(expression));
    }

    /// <summary>A branch that starts with another resource type's name cannot match this type.</summary>
    private static bool AppliesTo(string branch, string type)
    {
        var m = LeadingName().Match(branch);
        if (!m.Success) return true;
        var name = m.Groups[1].Value;
        return name == type || name is "Resource" or "DomainResource" || !ModelInfo.IsKnownResource(name);
    }

    [GeneratedRegex(@"^\(?\s*([A-Za-z]+)")]
    private static partial Regex LeadingName();

    internal static List<string> SplitTopLevel(string s, char separator)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        var quoted = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\'' && (i == 0 || s[i - 1] != '\\')) quoted = !quoted;
            else if (!quoted && c == '(') depth++;
            else if (!quoted && c == ')') depth--;
            else if (!quoted && depth == 0 && c == separator) { parts.Add(s[start..i]); start = i + 1; }
        }
        parts.Add(s[start..]);
        return parts;
    }

    private sealed class Nothing : IndexExpression
    {
        public override IEnumerable<Base> Evaluate(Resource root, Base focus) => [];
    }

    /// <summary>One or more paths; as in FHIRPath, a union ("a | b") lists equal values once.</summary>
    private sealed class Paths(IReadOnlyList<PathExpression> paths, bool IsUnion) : IndexExpression
    {
        public override IEnumerable<Base> Evaluate(Resource root, Base focus)
        {
            var found = new List<Base>();
            foreach (var p in paths) p.Collect(root, focus, found);
            if (!IsUnion || found.Count < 2) return found;
            var distinct = new List<Base>(found.Count);
            foreach (var b in found)
                if (!distinct.Any(d => ReferenceEquals(d, b) || d.IsExactly(b))) distinct.Add(b);
            return distinct;
        }
    }

    private sealed class General(CompiledExpression expression) : IndexExpression
    {
        public override IEnumerable<Base> Evaluate(Resource root, Base focus)
        {
            // resolve() in search expressions only needs the referenced type ("where(resolve() is Patient)"):
            // answer it with an empty instance of the type the reference names, without any lookup.
            var resource = root.ToPocoNode();
            var context = new FhirEvaluationContext { ElementResolver = ResolveByTypeName, Resource = resource, RootResource = resource };
            return expression([ReferenceEquals(root, focus) ? resource : focus.ToPocoNode()], context).Select(n => n.Poco).OfType<Base>().ToList();
        }

        private static PocoNode? ResolveByTypeName(string reference) =>
            ReferenceParts.TypeOf(reference) is { } type && ModelInfo.GetTypeForFhirType(type) is { } t && Activator.CreateInstance(t) is Resource r
                ? r.ToPocoNode()
                : null;
    }

    /// <summary>Type.a.b with optional steps where(resolve() is T), where(x='v'), as(T)/ofType(T), or "(path as T)" followed by more steps.</summary>
    private sealed partial class PathExpression
    {
        private readonly List<Func<Resource, Base, IEnumerable<Base>>> _steps = [];

        public static PathExpression? TryParse(string branch, string type)
        {
            var text = branch.Trim();
            Type? asType = null;
            string[] afterCast = [];
            var asMatch = AsSuffix().Match(text);
            if (asMatch.Success)
            {
                asType = FhirType(asMatch.Groups["type"].Value);
                if (asType is null) return null;
                text = asMatch.Groups["path"].Value;
                afterCast = asMatch.Groups["rest"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries);
            }
            var segments = SplitTopLevel(text, '.');
            if (segments[0] != type && segments[0] is not ("Resource" or "DomainResource")) return null;
            var path = new PathExpression();
            foreach (var segment in segments.Skip(1))
            {
                if (Identifier().IsMatch(segment)) { var name = segment; path._steps.Add((_, b) => Children(b, name)); continue; }
                var m = ResolveIs().Match(segment);
                if (m.Success) { var target = m.Groups[1].Value; path._steps.Add((root, b) => b is ResourceReference r && r.Reference is { } s && TargetType(root, s) == target ? [b] : []); continue; }
                m = WhereEquals().Match(segment);
                if (m.Success) { var (child, value) = (m.Groups[1].Value, m.Groups[2].Value); path._steps.Add((_, b) => Children(b, child).Any(c => Literal(c) == value) ? [b] : []); continue; }
                m = OfType().Match(segment);
                if (m.Success && FhirType(m.Groups[1].Value) is { } t) { path._steps.Add((_, b) => t.IsInstanceOfType(b) ? [b] : []); continue; }
                return null;
            }
            if (asType is not null) path._steps.Add((_, b) => asType.IsInstanceOfType(b) ? [b] : []);
            foreach (var name in afterCast) path._steps.Add((_, b) => Children(b, name));
            return path;
        }

        public void Collect(Resource root, Base focus, List<Base> result)
        {
            IEnumerable<Base> current = [focus];
            foreach (var step in _steps) current = current.SelectMany(b => step(root, b));
            result.AddRange(current);
        }

        private static IEnumerable<Base> Children(Base b, string name)
        {
            if (!b.TryGetValue(name, out var value) || value is null) return [];
            return value switch
            {
                Base single => [single],
                IEnumerable list => list.OfType<Base>(),
                _ => [],
            };
        }

        /// <summary>The type a reference points at; "#id" points into the resource's contained resources.</summary>
        private static string? TargetType(Resource root, string reference) =>
            reference.StartsWith('#')
                ? (root as DomainResource)?.Contained.FirstOrDefault(c => c.Id == reference[1..])?.TypeName
                : ReferenceParts.TypeOf(reference);

        private static string? Literal(Base b) => b is PrimitiveType p ? p.JsonValue?.ToString() : null;

        private static Type? FhirType(string name) =>
            ModelInfo.GetTypeForFhirType(name) ?? ModelInfo.GetTypeForFhirType(char.ToLowerInvariant(name[0]) + name[1..]);

        [GeneratedRegex(@"^\((?<path>[^()]+?)\s+as\s+(?<type>[A-Za-z]+)\)(?<rest>(\.[a-z][A-Za-z0-9]*)*)$|^(?<path>[^()]+?)\s+as\s+(?<type>[A-Za-z]+)$")]
        private static partial Regex AsSuffix();

        [GeneratedRegex("^[a-z][A-Za-z0-9]*$")]
        private static partial Regex Identifier();

        [GeneratedRegex(@"^where\(resolve\(\) is ([A-Z][A-Za-z]+)\)$")]
        private static partial Regex ResolveIs();

        [GeneratedRegex(@"^where\(([a-z][A-Za-z]*)\s*=\s*'([^'\\]*)'\)$")]
        private static partial Regex WhereEquals();

        [GeneratedRegex(@"^(?:as|ofType)\(([A-Za-z]+)\)$")]
        private static partial Regex OfType();
    }
}
