using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Hl7.Fhir.Validation;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// Strict parsing and serialising of resources in JSON and XML with the Firely SDK. Parsing errors
/// become a 400 OperationOutcome naming each element at fault; XML with a DTD is refused before any
/// entity can be expanded.
/// </summary>
public static partial class ResourceSerializer
{
    // Narratives are checked by NarrativeGuard (well-formed, a root xhtml div, no active content) in one
    // streaming read; the SDK's own XHTML schema validation would triple the cost of parsing a Bundle.
    private static readonly DeserializerSettings Strict = new DeserializerSettings().UsingMode(DeserializationMode.Strict, NarrativeValidationKind.None);
    private static readonly BaseFhirJsonDeserializer JsonParser = new(ModelInfo.ModelInspector, Strict);
    private static readonly BaseFhirXmlDeserializer XmlParser = new(ModelInfo.ModelInspector, Strict);
    // For JSON this server wrote itself (a subset of a stored resource may lack required elements).
    private static readonly BaseFhirJsonDeserializer TrustedJsonParser = new(ModelInfo.ModelInspector, new DeserializerSettings().UsingMode(DeserializationMode.Ostrich, NarrativeValidationKind.None));
    private static readonly BaseFhirJsonSerializer JsonSerializer = new(ModelInfo.ModelInspector);
    private static readonly BaseFhirXmlSerializer XmlSerializer = new(ModelInfo.ModelInspector);

    public static Resource Parse(ReadOnlySpan<byte> body, FhirFormat format) =>
        format == FhirFormat.Xml ? ParseXml(body) : ParseJson(body);

    public static Resource ParseJson(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith("\uFEFF"u8)) body = body[3..]; // RFC 8259 lets a parser ignore a byte order mark; some clients send one
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
        Resource? resource;
        IEnumerable<CodedException>? errors;
        try
        {
            if (JsonParser.TryDeserializeResource(ref reader, out resource, out errors) && resource is not null)
                return resource;
        }
        catch (JsonException e)
        {
            throw FhirError.BadRequest($"The body is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
        {
            throw FhirError.BadRequest($"The body is not a valid FHIR JSON resource: {e.Message}");
        }
        if (resource is not null && errors is not null && errors.All(IsEmptyResource)) return resource;
        throw ParseErrors(errors);
    }

    /// <summary>
    /// The strict parser refuses a resource with no elements at all ({"resourceType":"Patient"}), but
    /// such a resource is valid FHIR — every element of Patient is optional — and clients send it.
    /// </summary>
    private static bool IsEmptyResource(CodedException e)
    {
        if (e.ErrorCode is not ("JSON120" or "PVAL129")) return false;
        var path = (e as ExtendedCodedException)?.InstancePath;
        // A whole resource: the root ("$this" in JSON, the bare type name in XML), a Bundle entry's or a
        // Parameters' resource, or a contained one. Anything else empty is an empty element, which is invalid.
        return path is null || !path.Contains('.') && !path.Contains('[')
            || path.EndsWith(".resource", StringComparison.Ordinal) || ContainedResource().IsMatch(path);
    }

    /// <summary>
    /// The checks the strict parser makes, on a resource built in memory (the same attribute validation of primitive
    /// values, cardinalities and choice types), with the same 400 — without serialising it and parsing it back. Empty
    /// elements are not refused: serialising leaves them out, so the strict parse never saw them either.
    /// </summary>
    public static void CheckStrict(Resource resource)
    {
        if (resource is Bundle { Entry.Count: > 1 } bundle && EntriesPass(bundle)) return;
        var errors = StrictErrors(resource);
        if (errors.Count > 0) throw ParseErrors(errors);
    }

    private static List<CodedValidationException> StrictErrors(Base instance) =>
        instance.Validate(ModelInfo.ModelInspector, NarrativeValidationKind.None).Where(e => e.ErrorCode != "PVAL129").ToList();

    /// <summary>
    /// Whether a Bundle passes, checked on all cores: its entries' resources each on their own (the checks look at one
    /// element at a time, so where a resource sits changes only the path of an error), and the Bundle without them. When
    /// anything fails, the caller checks the whole Bundle again, for errors named by their path in it. The Bundle is the
    /// request's body, which nothing else reads meanwhile; its resources are put back before this returns.
    /// </summary>
    private static bool EntriesPass(Bundle bundle)
    {
        var resources = bundle.Entry.Select(e => e.Resource).ToArray();
        var failed = 0;
        try
        {
            foreach (var entry in bundle.Entry) entry.Resource = null;
            if (StrictErrors(bundle).Count > 0) return false;
            Parallel.ForEach(resources, (resource, loop) =>
            {
                if (resource is null || Passes(resource)) return;
                Interlocked.Exchange(ref failed, 1);
                loop.Stop();
            });
        }
        finally
        {
            for (var i = 0; i < resources.Length; i++) bundle.Entry[i].Resource = resources[i];
        }
        return failed == 0;
    }

    // Whatever a check throws is thrown again, as it is, by the check of the whole Bundle.
    private static bool Passes(Resource resource)
    {
        try { return StrictErrors(resource).Count == 0; }
        catch (Exception) { return false; }
    }

    [GeneratedRegex(@"\.contained\[\d+\]$")]
    private static partial Regex ContainedResource();

    public static Resource ParseXml(ReadOnlySpan<byte> body)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            MaxCharactersFromEntities = 0,
        };
        try
        {
            using var stream = new MemoryStream(body.ToArray());
            using var xml = XmlReader.Create(stream, settings);
            if (XmlParser.TryDeserializeResource(xml, out var resource, out var errors) && resource is not null)
                return resource;
            if (resource is not null && errors is not null && errors.All(IsEmptyResource)) return resource;
            throw ParseErrors(errors);
        }
        catch (XmlException e)
        {
            var reason = e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "XML with a DOCTYPE or entity declarations is not accepted"
                : "The body is not well-formed XML";
            throw FhirError.BadRequest($"{reason}: {e.Message}");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
        {
            throw FhirError.BadRequest($"The body is not a valid FHIR XML resource: {e.Message}");
        }
    }

    private static FhirError ParseErrors(IEnumerable<CodedException>? errors)
    {
        var outcome = new OperationOutcome();
        foreach (var e in errors ?? [])
        {
            var location = (e as ExtendedCodedException)?.InstancePath;
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = OperationOutcome.IssueType.Structure,
                Diagnostics = e.Message,
                Expression = location is null ? [] : [location],
            });
        }
        if (outcome.Issue.Count == 0)
            outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Structure, Diagnostics = "The body is not a FHIR resource" });
        return new FhirError(System.Net.HttpStatusCode.BadRequest, outcome);
    }

    /// <summary>Parses JSON this server produced and stored (checked strictly when it was written), without checking it again.</summary>
    public static Resource ParseTrustedJson(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
        TrustedJsonParser.TryDeserializeResource(ref reader, out var resource, out _);
        return resource ?? throw new InvalidOperationException("Stored JSON is not a resource");
    }

    public static byte[] ToJsonBytes(Base resource, bool pretty = false, Func<SerializationFilter>? filter = null)
    {
        var buffer = t_jsonBuffer ?? new ArrayBufferWriter<byte>(4096);
        t_jsonBuffer = null; // taken: a serialisation that started on this thread meanwhile would get a buffer of its own
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, pretty ? IndentedJson : CompactJson))
            JsonSerializer.Serialize(resource, writer, filter);
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity <= MaxKeptJsonBuffer) t_jsonBuffer = buffer;
        return bytes;
    }

    /// <summary>
    /// This thread's JSON output buffer, kept between serialisations: every version written, audit record and answer is
    /// serialised, and a fresh stream for each grew (zeroing and copying as it doubled) and copied its bytes once more.
    /// </summary>
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_jsonBuffer;

    /// <summary>A buffer grown past this by a large Bundle is let go rather than held by its thread.</summary>
    private const int MaxKeptJsonBuffer = 1 << 20;

    private static readonly JsonWriterOptions CompactJson = new() { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions IndentedJson = CompactJson with { Indented = true };

    public static byte[] ToXmlBytes(Base resource, bool pretty = false, Func<SerializationFilter>? filter = null)
    {
        var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Indent = pretty, Encoding = new UTF8Encoding(false) }))
            XmlSerializer.Serialize(resource, writer, filter);
        return buffer.ToArray();
    }

    public static byte[] Serialize(Base resource, FhirFormat format, bool pretty = false, Func<SerializationFilter>? filter = null) =>
        format == FhirFormat.Xml ? ToXmlBytes(resource, pretty, filter) : ToJsonBytes(resource, pretty, filter);
}
