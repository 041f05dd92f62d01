using System.Net;
using FhirPractice.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Tests.Validation;

public sealed class NarrativeGuardTests
{
    [Theory]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></div>", "<script>")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><img src=\"x.png\" onload=\"alert(1)\"/></div>", "onload")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p ONCLICK=\"alert(1)\">hi</p></div>", "ONCLICK")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"javascript:alert(1)\">x</a></div>", "script URL")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\" java&#x09;script:alert(1)\">x</a></div>", "script URL")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"VBScript:x\">x</a></div>", "script URL")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><img src=\"data:text/html;base64,PHNjcmlwdD4=\"/></div>", "script URL")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><iframe src=\"https://example.org\"></iframe></div>", "<iframe>")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><object data=\"x.swf\"></object></div>", "<object>")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><embed src=\"x.swf\"/></div>", "<embed>")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><form action=\"https://evil.example\"><p>x</p></form></div>", "<form>")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><base href=\"https://evil.example/\"/></div>", "<base>")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><link rel=\"stylesheet\" href=\"x.css\"/></div>", "<link>")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><meta http-equiv=\"refresh\" content=\"0\"/></div>", "<meta>")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><style>p { color: red }</style></div>", "<style>")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p style=\"width: expression(alert(1))\">x</p></div>", "style attribute")]
    [InlineData("<!DOCTYPE div [<!ENTITY x \"boom\">]><div xmlns=\"http://www.w3.org/1999/xhtml\">&x;</div>", "DOCTYPE")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>unclosed</div>", "well-formed")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\">&nbsp;</div>", "well-formed")]
    [InlineData("<div><p>no namespace</p></div>", "XHTML namespace")]
    [InlineData("<p xmlns=\"http://www.w3.org/1999/xhtml\">not a div</p>", "XHTML namespace")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><?xml-stylesheet href=\"x.xsl\"?></div>", "processing instructions")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\">\n    </div>", "non-whitespace")]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><pre>\n </pre><img alt=\"no source\"/></div>", "non-whitespace")]
    public void Active_or_malformed_narrative_is_a_400_at_the_narrative(string div, string reason)
    {
        var error = Assert.Throws<FhirError>(() => NarrativeGuard.Check(WithNarrative(new Patient(), div)));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        var issue = Assert.Single(error.Outcome.Issue);
        Assert.Contains(reason, issue.Diagnostics);
        Assert.Equal(["Patient.text.div"], issue.Expression);
    }

    [Fact]
    public void Clean_narrative_passes()
    {
        const string div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Peter <b>Chalmers</b>, born 1974-12-25</p>"
                           + "<table><tr><td style=\"color: navy\">MRN</td><td>12345</td></tr></table>"
                           + "<a href=\"https://example.org/patients/1\">record</a> <img src=\"#photo\" alt=\"photo\"/>&lt;ok&gt;</div>";

        NarrativeGuard.Check(WithNarrative(new Patient(), div));
    }

    [Fact]
    public void Narrative_of_only_an_image_has_content()
    {
        NarrativeGuard.Check(WithNarrative(new Patient(), "<div xmlns=\"http://www.w3.org/1999/xhtml\"><img src=\"#photo\"/></div>"));
    }

    [Fact]
    public void Resource_without_narrative_passes()
    {
        NarrativeGuard.Check(new Patient { Name = [new HumanName { Family = "Chalmers" }] });
    }

    [Fact]
    public void Script_in_a_contained_resource_is_found()
    {
        var observation = new Observation
        {
            Contained = [new Patient { Id = "p1" }, WithNarrative(new Patient { Id = "p2" }, Script)],
        };

        var error = Assert.Throws<FhirError>(() => NarrativeGuard.Check(observation));

        Assert.Equal(["Observation.contained[1].text.div"], error.Outcome.Issue[0].Expression);
    }

    [Fact]
    public void Script_in_a_bundle_entry_resource_is_found()
    {
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent { Resource = WithNarrative(new Patient(), Clean) },
                new Bundle.EntryComponent { Resource = new Patient() },
                new Bundle.EntryComponent { Resource = WithNarrative(new Patient(), Script) },
            ],
        };

        var error = Assert.Throws<FhirError>(() => NarrativeGuard.Check(bundle));

        Assert.Equal(["Bundle.entry[2].resource.text.div"], error.Outcome.Issue[0].Expression);
    }

    [Fact]
    public void Script_in_a_composition_section_or_a_parameters_resource_is_found()
    {
        var composition = new Composition
        {
            Section = [new Composition.SectionComponent { Section = [new Composition.SectionComponent { Text = new Narrative { Div = Script } }] }],
        };
        var error = Assert.Throws<FhirError>(() => NarrativeGuard.Check(composition));
        Assert.Equal(["Composition.section[0].section[0].text.div"], error.Outcome.Issue[0].Expression);

        var parameters = new Parameters();
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "x", Part = [new Parameters.ParameterComponent { Name = "y", Resource = WithNarrative(new Patient(), Script) }] });
        error = Assert.Throws<FhirError>(() => NarrativeGuard.Check(parameters));
        Assert.Equal(["Parameters.parameter[0].part[0].resource.text.div"], error.Outcome.Issue[0].Expression);
    }

    [Fact]
    public void Script_in_a_resource_contained_in_a_bundle_entry_is_found()
    {
        var observation = new Observation { Contained = [WithNarrative(new Patient(), Script)] };
        var bundle = new Bundle { Entry = [new Bundle.EntryComponent { Resource = observation }] };

        var error = Assert.Throws<FhirError>(() => NarrativeGuard.Check(bundle));

        Assert.Equal(["Bundle.entry[0].resource.contained[0].text.div"], error.Outcome.Issue[0].Expression);
    }

    private const string Clean = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>fine</p></div>";
    private const string Script = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></div>";

    private static T WithNarrative<T>(T resource, string div) where T : DomainResource
    {
        resource.Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = div };
        return resource;
    }
}
