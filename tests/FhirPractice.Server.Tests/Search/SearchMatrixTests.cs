using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Search;

/// <summary>
/// Parameter type × modifier × prefix on the known data of <see cref="SearchMatrixFixture"/>: each row is a query and
/// the ids it must match, exactly. Each query runs alone (its criterion drives the SQL) and again with the data set's
/// <c>_tag</c> (which then drives, and the criterion is probed per candidate): both must give the same matches.
/// Dates as ranges: eq = the stored range lies within the searched one; ne = not eq; gt/lt = some of it after the end /
/// before the start; ge/le = some of it on or after the start / before the end; sa/eb = all of it after the end /
/// before the start; ap = they overlap. Numbers compare the stored value with the searched one, whose precision makes
/// eq a range (0.3 is [0.25, 0.35)); ap is within 10%.
/// </summary>
public sealed class SearchMatrixTests(SearchMatrixFixture data) : IClassFixture<SearchMatrixFixture>
{
    private async Task AssertMatchesAsync(string query, string expected)
    {
        var type = query.Split('?')[0];
        var ids = expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => $"{type}/{id}").Order(StringComparer.Ordinal).ToList();
        var client = data.Server.Client;
        Assert.Equal(ids, SearchHttp.Matches(await client.SearchAsync(query + "&_count=100", ("Prefer", "handling=strict"))));
        Assert.Equal(ids, SearchHttp.Matches(await client.SearchAsync($"{query}&_tag={SearchMatrixFixture.Tag}&_count=100", ("Prefer", "handling=strict"))));
    }

    [Theory]
    [InlineData("Patient?family=muller", "pat-a,pat-b,pat-c")]
    [InlineData("Patient?family=Müller", "pat-a,pat-b,pat-c")]
    [InlineData("Patient?family=MÜLLERS", "pat-c")]
    [InlineData("Patient?family=mith", "")]
    [InlineData("Patient?family:exact=Müller", "pat-a")]
    [InlineData("Patient?family:exact=MULLER", "pat-b")]
    [InlineData("Patient?family:exact=muller", "")]
    [InlineData("Patient?family:exact=Mull", "")]
    [InlineData("Patient?family:contains=ULL", "pat-a,pat-b,pat-c")]
    [InlineData("Patient?family:contains=ü", "pat-a,pat-b,pat-c")]
    [InlineData("Patient?family:contains=son", "pat-c")]
    [InlineData("Patient?family:contains=%", "")]
    [InlineData("Patient?family:missing=true", "pat-e,pat-f")]
    [InlineData("Patient?family:missing=false", "pat-a,pat-b,pat-c,pat-d")]
    [InlineData("Patient?name=zoe", "pat-f")]
    [InlineData("Patient?given=ann,bert", "pat-a,pat-b")]
    [InlineData("Patient?family=mul&family=mullers", "pat-c")]
    [InlineData("Patient?family=muller&given=anna", "pat-a")]
    [InlineData("Patient?family=muller&family:exact=Smith", "")]
    public Task String(string query, string expected) => AssertMatchesAsync(query, expected);

    [Theory]
    [InlineData("Patient?gender=female", "pat-a")]
    [InlineData("Patient?gender=male,other", "pat-b,pat-c")]
    [InlineData("Patient?gender:not=male", "pat-a,pat-c,pat-d,pat-e,pat-f")]
    [InlineData("Patient?gender:missing=true", "pat-d,pat-e,pat-f")]
    [InlineData("Patient?gender:missing=false", "pat-a,pat-b,pat-c")]
    [InlineData("Patient?identifier=urn:mrn|A1", "pat-a")]
    [InlineData("Patient?identifier=A1", "pat-a,pat-b")]
    [InlineData("Patient?identifier=|C3", "pat-c")]
    [InlineData("Patient?identifier=|A1", "")]
    [InlineData("Patient?identifier=urn:mrn|", "pat-a,pat-b,pat-d")]
    [InlineData("Patient?identifier=urn:other|,|C3", "pat-b,pat-c")]
    [InlineData("Patient?identifier:not=urn:mrn|A1", "pat-b,pat-c,pat-d,pat-e,pat-f")]
    [InlineData("Patient?identifier:not=A1,C3", "pat-d,pat-e,pat-f")]
    [InlineData("Patient?identifier:missing=true", "pat-e,pat-f")]
    // AND by repetition: each value may match a different identifier of the same resource.
    [InlineData("Patient?identifier=urn:mrn|&identifier=A1", "pat-a,pat-b")]
    [InlineData("Patient?identifier=urn:mrn|A1&identifier=urn:other|A1", "")]
    [InlineData("Patient?identifier=A1&gender:not=female", "pat-b")]
    [InlineData("Patient?active=true", "pat-a")]
    [InlineData("Patient?active=false", "pat-b")]
    [InlineData("Patient?active:not=true", "pat-b,pat-c,pat-d,pat-e,pat-f")]
    [InlineData("Patient?active:missing=true", "pat-c,pat-d,pat-e,pat-f")]
    [InlineData("Observation?code=http://loinc.org|2345-7", "tx-1")]
    [InlineData("Observation?code=2345-7,glu", "tx-1,tx-3")]
    [InlineData("Observation?category=urn:test:matrix|text&code:text=glucose", "tx-1,tx-3")]
    [InlineData("Observation?category=urn:test:matrix|text&code:text=GLUCOSE random", "tx-3")]
    [InlineData("Observation?category=urn:test:matrix|text&code:text=heart", "tx-2")]
    [InlineData("Observation?category=urn:test:matrix|text&code:text=sugar", "tx-1")]
    [InlineData("Observation?category=urn:test:matrix|text&code:text=serum,rate", "tx-1,tx-2")]
    [InlineData("Observation?category=urn:test:matrix|text&code:missing=false&code:not=glu", "tx-1,tx-2")]
    public Task Token(string query, string expected) => AssertMatchesAsync(query, expected);

    [Theory]
    [InlineData("Patient?organization=Organization/org-1", "pat-a")]
    [InlineData("Patient?organization=org-2", "pat-b")]
    [InlineData("Patient?organization:Organization=org-1", "pat-a")]
    [InlineData("Patient?organization=http://elsewhere.example/fhir/Organization/org-9", "pat-d")]
    [InlineData("Patient?organization=Organization/org-1,Organization/org-2", "pat-a,pat-b")]
    [InlineData("Patient?organization:missing=true", "pat-c,pat-e,pat-f")]
    [InlineData("Patient?organization:missing=false", "pat-a,pat-b,pat-d")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject=Patient/pat-a", "ref-a")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject=pat-a", "ref-a")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject:Patient=pat-a", "ref-a")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject:Group=pat-a", "")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject:Group=grp-1", "ref-grp")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject=http://elsewhere.example/fhir/Patient/pat-x", "ref-abs")]
    // The server's own base names the same resource as the relative reference.
    [InlineData("Observation?category=urn:test:matrix|ref&subject=" + FhirServerFactory.BaseUrl + "/Patient/pat-a", "ref-a")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject:identifier=urn:mrn|A1", "ref-ident")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject:identifier=A1", "ref-ident")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject:identifier=urn:other|A1", "")]
    // A reference by identifier alone has no literal reference to match: for :missing it has no value.
    [InlineData("Observation?category=urn:test:matrix|ref&subject:missing=true", "ref-ident,ref-none")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject:missing=false", "ref-a,ref-abs,ref-b,ref-grp")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject=Patient/pat-a,Group/grp-1", "ref-a,ref-grp")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject=Patient/pat-a&subject:Patient=pat-a", "ref-a")]
    [InlineData("Observation?category=urn:test:matrix|ref&subject=pat-a&subject=pat-b", "")]
    [InlineData("Observation?category=urn:test:matrix|ref&patient=pat-a,pat-b", "ref-a,ref-b")]
    public Task Reference(string query, string expected) => AssertMatchesAsync(query, expected);

    // Birth dates: pat-a 1980-05-15, pat-b 1980-05, pat-c 1980, pat-d 1980-05-16, pat-e 1981-01-01, pat-f none.
    [Theory]
    [InlineData("Patient?birthdate=1980", "pat-a,pat-b,pat-c,pat-d")]
    [InlineData("Patient?birthdate=1980-05", "pat-a,pat-b,pat-d")]
    [InlineData("Patient?birthdate=1980-05-15", "pat-a")]
    [InlineData("Patient?birthdate=eq1980-05-15", "pat-a")]
    [InlineData("Patient?birthdate=ne1980-05-15", "pat-b,pat-c,pat-d,pat-e")]
    [InlineData("Patient?birthdate=gt1980-05-15", "pat-b,pat-c,pat-d,pat-e")]
    [InlineData("Patient?birthdate=lt1980-05-15", "pat-b,pat-c")]
    [InlineData("Patient?birthdate=ge1980-05-15", "pat-a,pat-b,pat-c,pat-d,pat-e")]
    [InlineData("Patient?birthdate=le1980-05-15", "pat-a,pat-b,pat-c")]
    [InlineData("Patient?birthdate=sa1980-05-15", "pat-d,pat-e")]
    [InlineData("Patient?birthdate=eb1980-05-15", "")]
    [InlineData("Patient?birthdate=eb1980-05-16", "pat-a")]
    [InlineData("Patient?birthdate=ap1980-05-15", "pat-a,pat-b,pat-c")]
    [InlineData("Patient?birthdate:missing=true", "pat-f")]
    [InlineData("Patient?birthdate:missing=false", "pat-a,pat-b,pat-c,pat-d,pat-e")]
    [InlineData("Patient?birthdate=1980-05-15,1981", "pat-a,pat-e")]
    [InlineData("Patient?birthdate=ge1980-05&birthdate=lt1980-05-16", "pat-a,pat-b,pat-c")]
    [InlineData("Patient?birthdate=1980&family=muller", "pat-a,pat-b,pat-c")]
    public Task Date(string query, string expected) => AssertMatchesAsync(query, expected);

    // Probabilities: ra-10 0.1, ra-25 0.25, ra-50 0.5, ra-90 0.9, ra-none none.
    [Theory]
    [InlineData("RiskAssessment?probability=0.5", "ra-50")]
    [InlineData("RiskAssessment?probability=0.50", "ra-50")]
    [InlineData("RiskAssessment?probability=0.3", "ra-25")]
    [InlineData("RiskAssessment?probability=0.30", "")]
    [InlineData("RiskAssessment?probability=eq0.25", "ra-25")]
    [InlineData("RiskAssessment?probability=ne0.5", "ra-10,ra-25,ra-90")]
    [InlineData("RiskAssessment?probability=gt0.25", "ra-50,ra-90")]
    [InlineData("RiskAssessment?probability=lt0.25", "ra-10")]
    [InlineData("RiskAssessment?probability=ge0.25", "ra-25,ra-50,ra-90")]
    [InlineData("RiskAssessment?probability=le0.25", "ra-10,ra-25")]
    [InlineData("RiskAssessment?probability=sa0.25", "ra-50,ra-90")]
    [InlineData("RiskAssessment?probability=eb0.25", "ra-10")]
    [InlineData("RiskAssessment?probability=ap0.5", "ra-50")]
    [InlineData("RiskAssessment?probability=ap0.27", "ra-25")]
    [InlineData("RiskAssessment?probability:missing=true", "ra-none")]
    [InlineData("RiskAssessment?probability=0.1,0.9", "ra-10,ra-90")]
    [InlineData("RiskAssessment?probability=gt0.1&probability=lt0.9", "ra-25,ra-50")]
    [InlineData("RiskAssessment?probability=ge0.5&subject=Patient/pat-a", "ra-50,ra-90")]
    public Task Number(string query, string expected) => AssertMatchesAsync(query, expected);

    // Quantities: q-100mg 100 mg/dL, q-120mg 120 mg/dL, q-1g 1 g/dL (UCUM), q-72 72 urn:test:units|beats, q-100 100 without a unit.
    [Theory]
    [InlineData("Observation?value-quantity=100", "q-100,q-100mg")]
    [InlineData("Observation?value-quantity=100||mg/dL", "q-100mg")]
    [InlineData("Observation?value-quantity=100|http://unitsofmeasure.org|mg/dL", "q-100mg")]
    [InlineData("Observation?value-quantity=1000|http://unitsofmeasure.org|mg/dL", "q-1g")]
    [InlineData("Observation?value-quantity=1|http://unitsofmeasure.org|g/dL", "q-1g")]
    // 0.1 g/dL is [0.05, 0.15) g/dL by its precision, 0.10 is [0.095, 0.105).
    [InlineData("Observation?value-quantity=eq0.1|http://unitsofmeasure.org|g/dL", "q-100mg,q-120mg")]
    [InlineData("Observation?value-quantity=eq0.10|http://unitsofmeasure.org|g/dL", "q-100mg")]
    [InlineData("Observation?value-quantity=ne100|http://unitsofmeasure.org|mg/dL", "q-120mg,q-1g")]
    [InlineData("Observation?value-quantity=gt100|http://unitsofmeasure.org|mg/dL", "q-120mg,q-1g")]
    [InlineData("Observation?value-quantity=lt1|http://unitsofmeasure.org|g/dL", "q-100mg,q-120mg")]
    [InlineData("Observation?value-quantity=ge120|http://unitsofmeasure.org|mg/dL", "q-120mg,q-1g")]
    [InlineData("Observation?value-quantity=le120|http://unitsofmeasure.org|mg/dL", "q-100mg,q-120mg")]
    [InlineData("Observation?value-quantity=sa100|http://unitsofmeasure.org|mg/dL", "q-120mg,q-1g")]
    [InlineData("Observation?value-quantity=eb120|http://unitsofmeasure.org|mg/dL", "q-100mg")]
    [InlineData("Observation?value-quantity=ap1.1|http://unitsofmeasure.org|g/dL", "q-1g")]
    [InlineData("Observation?value-quantity=72|urn:test:units|beats", "q-72")]
    [InlineData("Observation?value-quantity=gt50|urn:test:units|beats", "q-72")]
    [InlineData("Observation?value-quantity=72|urn:test:units|other", "")]
    [InlineData("Observation?value-quantity=lt200", "q-100,q-100mg,q-120mg,q-1g,q-72")]
    [InlineData("Observation?value-quantity=100,72", "q-100,q-100mg,q-72")]
    [InlineData("Observation?value-quantity=gt50&value-quantity=lt110", "q-100,q-100mg,q-72")]
    [InlineData("Observation?code=urn:test:matrix|quantity&value-quantity:missing=true", "q-none")]
    public Task Quantity(string query, string expected) => AssertMatchesAsync(query, expected);

    // URLs: vs-1 …/fhir/ValueSet/123, vs-2 …/fhir/ValueSet/1234, vs-3 http://acme.org/fhir, vs-4 urn:oid:1.2.3,
    // vs-5 http://acme.org/a_b/ValueSet/9, vs-none none.
    [Theory]
    [InlineData("ValueSet?url=http://acme.org/fhir/ValueSet/123", "vs-1")]
    [InlineData("ValueSet?url=http://acme.org/fhir/ValueSet/12", "")]
    [InlineData("ValueSet?url=HTTP://ACME.ORG/FHIR", "")]
    [InlineData("ValueSet?url:below=http://acme.org/fhir/ValueSet/", "vs-1,vs-2")]
    [InlineData("ValueSet?url:below=http://acme.org/fhir", "vs-1,vs-2,vs-3")]
    [InlineData("ValueSet?url:below=HTTP://ACME.ORG/fhir", "")]
    [InlineData("ValueSet?url:below=http://acme.org/a_b", "vs-5")]
    [InlineData("ValueSet?url:below=http://acme.org/aXb", "")]
    [InlineData("ValueSet?url:above=http://acme.org/fhir/ValueSet/123/_history/5", "vs-1,vs-3")]
    [InlineData("ValueSet?url:above=http://acme.org/aXb/ValueSet/9/x", "")]
    [InlineData("ValueSet?url:above=HTTP://ACME.ORG/FHIR/ValueSet/123", "")]
    [InlineData("ValueSet?url:missing=true", "vs-none")]
    [InlineData("ValueSet?url=urn:oid:1.2.3,http://acme.org/fhir", "vs-3,vs-4")]
    [InlineData("ValueSet?url:below=http://acme.org/fhir&url:above=http://acme.org/fhir/ValueSet/99", "vs-3")]
    public Task Uri(string query, string expected) => AssertMatchesAsync(query, expected);
}
