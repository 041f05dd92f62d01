using System.Buffers;
using System.Text.Json;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// A searchset answer whose entries are still JSON bytes: stored records (a search) or resources an operation built and
/// wrote as compact JSON itself (<c>$find</c>'s proposals). Written as JSON, each entry's resource is its bytes as they
/// are (no parse, no serialise — most of the answer's cost otherwise); other formats, or an engine caller that needs
/// the resources, get the Bundle built from them.
/// </summary>
public sealed class Searchset(Bundle shell)
{
    private readonly List<(string? FullUrl, ReadOnlyMemory<byte> Json, ResourceRecord? Record, Bundle.SearchEntryMode Mode)> _entries = [];

    /// <summary>The Bundle without its entries: type, id, meta, total, links.</summary>
    public Bundle Shell { get; } = shell;

    /// <summary>The warnings entry (search mode outcome), if any.</summary>
    public OperationOutcome? Outcome { get; set; }

    /// <summary>The stored records of the page (the matches and what _include/_revinclude added); built resources are none.</summary>
    public IEnumerable<(ResourceRecord Record, Bundle.SearchEntryMode Mode)> Entries =>
        _entries.Where(e => e.Record is not null).Select(e => (e.Record!, e.Mode));

    public void Add(string fullUrl, ResourceRecord record, Bundle.SearchEntryMode mode) => _entries.Add((fullUrl, record.Json, record, mode));

    /// <summary>
    /// A resource built for the answer and never stored, as the compact JSON <see cref="ResourceSerializer.ToJsonBytes"/>
    /// would write for it (so the answer is the same whichever way it is written).
    /// </summary>
    public void AddBuilt(string? fullUrl, ReadOnlyMemory<byte> json, Bundle.SearchEntryMode mode) => _entries.Add((fullUrl, json, null, mode));

    public Bundle ToBundle()
    {
        var bundle = (Bundle)Shell.DeepCopy();
        foreach (var (fullUrl, json, _, mode) in _entries)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = fullUrl,
                Resource = ResourceSerializer.ParseTrustedJson(json.Span),
                Search = new Bundle.SearchComponent { Mode = mode },
            });
        if (Outcome is not null)
            bundle.Entry.Add(new Bundle.EntryComponent { Resource = Outcome, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome } });
        return bundle;
    }

    /// <summary>
    /// Writes the Bundle as compact JSON to <paramref name="output"/> (an HTTP response's pipe: a page of hundreds of
    /// entries in one buffer of its own is a large object, allocated, copied and collected for every answer): the shell
    /// serialised by the SDK (entry is the last element a Bundle has here, so it goes just before the closing brace),
    /// then the entries around their bytes.
    /// </summary>
    public void WriteJson(IBufferWriter<byte> output)
    {
        var shell = ResourceSerializer.ToJsonBytes(Shell);
        var outcome = Outcome is null ? null : ResourceSerializer.ToJsonBytes(Outcome);
        if (_entries.Count == 0 && outcome is null)
        {
            output.Write(shell);
            return;
        }
        output.Write(shell.AsSpan(0, shell.Length - 1));
        output.Write(","u8);
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            json.WritePropertyName("entry");
            json.WriteStartArray();
            foreach (var (fullUrl, resource, _, mode) in _entries)
                WriteEntry(json, fullUrl, resource.Span, mode);
            if (outcome is not null) WriteEntry(json, null, outcome, Bundle.SearchEntryMode.Outcome);
            json.WriteEndArray();
        }
        output.Write("}"u8);
    }

    private static void WriteEntry(Utf8JsonWriter json, string? fullUrl, ReadOnlySpan<byte> resource, Bundle.SearchEntryMode mode)
    {
        json.WriteStartObject();
        if (fullUrl is not null) json.WriteString("fullUrl", fullUrl);
        json.WritePropertyName("resource");
        json.WriteRawValue(resource, skipInputValidation: true);
        json.WriteStartObject("search");
        json.WriteString("mode", mode switch
        {
            Bundle.SearchEntryMode.Match => "match",
            Bundle.SearchEntryMode.Include => "include",
            _ => "outcome",
        });
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
