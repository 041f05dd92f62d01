using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>CX, EI and HD to FHIR (IG CX[Identifier], EI[Identifier-System], HD[uri]).</summary>
internal static class Identifiers
{
    public const string IdentifierTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0203";

    /// <summary>The fallback for a namespace the options do not list: <c>urn:fhirpractice:v2:authority:{namespace}</c>.</summary>
    public const string NamespaceSystemPrefix = "urn:fhirpractice:v2:authority:";

    /// <summary>
    /// HD[uri]: the identifier system of an assigning authority.
    /// <list type="bullet">
    /// <item>A universal id (HD-2) of type ISO is <c>urn:oid:HD-2</c>, UUID <c>urn:uuid:HD-2</c>, and URI (or any absolute URI) HD-2 itself.
    /// The IG takes HD-1 first when both are valued; we take a universal id first, since it is unique world-wide
    /// and two senders' local namespaces are not (deliberate difference).</item>
    /// <item>A namespace id alone (HD-1) — the IG maps it "as is", but a name such as "MR" is not a URI: it is
    /// looked up in <see cref="MappingOptions.AssigningAuthoritySystems"/>, used as is when it already is an
    /// absolute URI, and otherwise becomes <c>urn:fhirpractice:v2:authority:</c> + the namespace, percent-encoded.
    /// The same namespace thus always gives the same system, and configuring it later to a real URI is a
    /// one-line change.</item>
    /// </list>
    /// </summary>
    public static string? SystemOf(V2Value? hd, MappingOptions options)
    {
        if (hd is null) return null;
        if (hd[2] is { } universal)
        {
            switch (hd[3]?.ToUpperInvariant())
            {
                case "ISO": return "urn:oid:" + universal;
                case "UUID": return "urn:uuid:" + universal;
                default: if (Uri.TryCreate(universal, UriKind.Absolute, out _) && universal.Contains(':')) return universal; break;
            }
        }
        if (hd[1] is not { } ns) return hd[2] is { } other ? NamespaceSystemPrefix + Uri.EscapeDataString(other) : null;
        if (options.AssigningAuthoritySystems.TryGetValue(ns, out var configured)) return configured;
        if (ns.Contains(':') && Uri.TryCreate(ns, UriKind.Absolute, out _)) return ns;
        return NamespaceSystemPrefix + Uri.EscapeDataString(ns);
    }

    /// <summary>Whether two identifiers name the same thing: the same system and value (their types aside).</summary>
    public static bool Same(Identifier a, Identifier b) => a.System == b.System && a.Value == b.Value;

    /// <summary>
    /// The identifiers a stored resource keeps through an identifier change: those of <paramref name="stored"/> that the
    /// change neither gives up (<paramref name="prior"/>) nor already brings (<paramref name="current"/>).
    /// </summary>
    public static IEnumerable<Identifier> Kept(IEnumerable<Identifier> stored, IReadOnlyList<Identifier> prior, IReadOnlyList<Identifier> current) =>
        stored.Where(i => !prior.Any(p => Same(p, i)) && !current.Any(n => Same(n, i)));

    /// <summary>
    /// CX[Identifier]: CX-1 value, CX-4 system (the assigning authority; when the sender names none, its own
    /// MSH-4/MSH-3 stands in, so that two senders' numbers cannot match each other), CX-5 type, CX-7/8 period.
    /// </summary>
    public static Identifier? FromCx(V2Value? cx, MappingContext context)
    {
        if (cx?[1] is not { } value) return null;
        var identifier = new Identifier
        {
            Value = value,                                                              // CX.1
            System = SystemOf(cx.Part(4).IsEmpty ? context.Sender : cx.Part(4), context.Options), // CX.4
        };
        if (cx[5] is { } type) identifier.Type = new CodeableConcept(IdentifierTypeSystem, type); // CX.5
        var start = context.Dates.DateTime(cx, 7);                                      // CX.7
        var end = context.Dates.DateTime(cx, 8);                                        // CX.8
        if (start is not null || end is not null) identifier.Period = new Period(start, end);
        return identifier;
    }

    /// <summary>EI[Identifier-System]: EI-1 value; EI-2..4 (an HD) the system, else the sender's.</summary>
    public static Identifier? FromEi(V2Value? ei, MappingContext context, int first = 1)
    {
        if (ei?[first] is not { } value) return null;
        var authority = new[] { ei[first + 1], ei[first + 2], ei[first + 3] };
        var system = authority.All(a => a is null)
            ? SystemOf(context.Sender, context.Options)
            : SystemOf(HdOf(ei, first + 1), context.Options);
        return new Identifier(system, value);
    }

    /// <summary>Components <paramref name="first"/>..+2 of a value read as an HD (as in EI-2..4, XCN-9, XON-6).</summary>
    public static V2Value HdOf(V2Value value, int first) => value.Slice(first, 3);

    /// <summary>A typed identifier with a fixed system, such as the SSN of PID-19.</summary>
    public static Identifier Typed(string? system, string value, string typeCode) =>
        new(system, value) { Type = new CodeableConcept(IdentifierTypeSystem, typeCode) };
}
