using FhirPractice.Fhir.Search;

namespace FhirPractice.Fhir.Tests.Search;

/// <summary>The compartments as read from the R4 CompartmentDefinitions of the specification archive.</summary>
public sealed class CompartmentsTests
{
    private static readonly Compartments Compartments = new(new SearchParameterRegistry(), Path.Combine(AppContext.BaseDirectory, "specification.zip"));

    private static List<string> Codes(AnyOfClause clause) =>
        clause.Alternatives.Select(a => a switch
        {
            SearchCriterion c => $"{c.Param.Resource}.{c.Param.Code}",
            ResourceClause r => $"{r.Type}/{r.Id}",
            _ => a.ToString(),
        }).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void The_five_R4_compartments_are_loaded()
    {
        Assert.Equal(["Device", "Encounter", "Patient", "Practitioner", "RelatedPerson"], Compartments.All.Select(c => c.Type).Order(StringComparer.Ordinal));
        Assert.Contains(("Patient", "http://hl7.org/fhir/CompartmentDefinition/patient"), Compartments.All);
    }

    [Fact]
    public void Membership_of_a_type_is_any_of_its_listed_parameters_referring_to_the_focal_resource()
    {
        var clause = Compartments.Membership("Patient", "123", "Observation");

        Assert.Equal(["Observation.performer", "Observation.subject"], Codes(clause));
        Assert.All(clause.Alternatives, a => Assert.Equal(new ReferenceValue("Patient", "123", null), Assert.Single(((SearchCriterion)a).AnyOf)));
    }

    [Fact]
    public void The_focal_resource_is_in_its_own_compartment()
    {
        Assert.Equal(["Patient.link", "Patient/123"], Codes(Compartments.Membership("Patient", "123", "Patient")));
        Assert.Equal(["Encounter/e1"], Codes(Compartments.Membership("Encounter", "e1", "Encounter")));
        Assert.Contains("Patient/123", Codes(Compartments.Membership("Patient", "123", null)));
    }

    [Fact]
    public void A_type_the_definition_lists_without_parameters_is_never_in_the_compartment()
    {
        Assert.False(Compartments.CanContain("Patient", "Organization"));
        Assert.Empty(Compartments.Membership("Patient", "123", "Organization").Alternatives);
        Assert.True(Compartments.CanContain("Patient", "Patient"));
        Assert.True(Compartments.CanContain("Patient", "Appointment"));
    }

    [Fact]
    public void Star_spans_every_type_with_compartment_parameters()
    {
        var codes = Codes(Compartments.Membership("Patient", "123", null));

        Assert.Contains("Appointment.actor", codes);
        Assert.Contains("AppointmentResponse.actor", codes);
        Assert.Contains("Encounter.patient", codes);
        Assert.DoesNotContain(codes, c => c.StartsWith("Organization.", StringComparison.Ordinal));
        Assert.False(Compartments.IsCompartment("Observation"));
    }
}
