using FhirPractice.Scheduling.Operations;

namespace FhirPractice.Scheduling.Tests;

/// <summary>An answer's entry fullUrls: distinct version-4 UUIDs, and another answer's are others.</summary>
public sealed class EntryUuidsTests
{
    [Fact]
    public void Each_entry_gets_its_own_version_4_uuid_and_answers_do_not_share_them()
    {
        var first = new EntryUuids();
        var urls = Enumerable.Range(0, 1000).Select(_ => first.Next()).ToList();
        var other = new EntryUuids();
        urls.AddRange(Enumerable.Range(0, 1000).Select(_ => other.Next()));

        Assert.Equal(urls.Count, urls.Distinct().Count());
        Assert.All(urls, url =>
        {
            Assert.StartsWith("urn:uuid:", url);
            var uuid = Guid.Parse(url["urn:uuid:".Length..]);
            Assert.Equal(4, uuid.Version);
            Assert.Equal(url["urn:uuid:".Length..], uuid.ToString()); // lower case, as FHIR's urn:uuid wants
        });
    }
}
