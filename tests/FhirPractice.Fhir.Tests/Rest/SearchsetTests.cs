using System.Buffers;
using System.Text;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Tests.Rest;

/// <summary>A searchset of stored records and built resources: spliced as JSON, parsed for anything else, and only stored records named.</summary>
public sealed class SearchsetTests
{
    private static Searchset Mixed(out Bundle expected)
    {
        var stored = new Patient { Id = "p", Meta = new Meta { VersionId = "2" } };
        var built = new Appointment { Status = Appointment.AppointmentStatus.Proposed, Start = new DateTimeOffset(2026, 12, 1, 14, 0, 0, TimeSpan.Zero) };
        var searchset = new Searchset(new Bundle { Type = Bundle.BundleType.Searchset, Id = "b", Total = 2 });
        searchset.Add("http://x/Patient/p", new ResourceRecord("Patient", "p", 2, DateTimeOffset.UnixEpoch, "PUT", false, ResourceSerializer.ToJsonBytes(stored)), Bundle.SearchEntryMode.Match);
        searchset.AddBuilt("urn:uuid:1", ResourceSerializer.ToJsonBytes(built), Bundle.SearchEntryMode.Match);
        expected = new Bundle { Type = Bundle.BundleType.Searchset, Id = "b", Total = 2 };
        expected.Entry.Add(new Bundle.EntryComponent { FullUrl = "http://x/Patient/p", Resource = stored, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match } });
        expected.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:1", Resource = built, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match } });
        return searchset;
    }

    [Fact]
    public void Built_resources_are_spliced_and_parsed_as_the_sdk_writes_them()
    {
        var searchset = Mixed(out var expected);
        var sdk = Encoding.UTF8.GetString(ResourceSerializer.ToJsonBytes(expected));

        var written = new ArrayBufferWriter<byte>();
        searchset.WriteJson(written);
        Assert.Equal(sdk, Encoding.UTF8.GetString(written.WrittenSpan));
        Assert.Equal(sdk, Encoding.UTF8.GetString(ResourceSerializer.ToJsonBytes(searchset.ToBundle())));
        Assert.Equal(ResourceSerializer.ToXmlBytes(expected), ResourceSerializer.ToXmlBytes(searchset.ToBundle()));
    }

    [Fact]
    public void An_empty_searchset_is_the_sdks_bundle_without_entries()
    {
        var shell = new Bundle { Type = Bundle.BundleType.Searchset, Id = "b", Total = 0 };
        var written = new ArrayBufferWriter<byte>();
        new Searchset(shell).WriteJson(written);
        Assert.Equal(Encoding.UTF8.GetString(ResourceSerializer.ToJsonBytes(shell)), Encoding.UTF8.GetString(written.WrittenSpan));
    }

    [Fact]
    public void Only_stored_records_are_named_for_the_audit_trail()
    {
        var (record, mode) = Assert.Single(Mixed(out _).Entries);
        Assert.Equal(("Patient", "p", 2L, Bundle.SearchEntryMode.Match), (record.Type, record.Id, record.Version, mode));
    }
}
