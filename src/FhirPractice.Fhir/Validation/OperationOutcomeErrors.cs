using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Validation;

/// <summary>Whether a validation outcome should stop a write: warnings and information do not.</summary>
public static class OperationOutcomeErrors
{
    public static bool HasErrors(this OperationOutcome outcome) =>
        outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
}
