namespace FhirPractice.Hl7v2.Tests;

/// <summary>
/// Tests that time their own thread run after the assembly's other tests, one at a time: a garbage collection the
/// large input sets off then walks this test's heap only, not that of tests running beside it (a full test run saw the 40-million
/// character value grow ×36 against ×8–×12 alone, with the other tests' heaps in the same process).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneInProcess
{
    public const string Name = "alone in the process";
}
