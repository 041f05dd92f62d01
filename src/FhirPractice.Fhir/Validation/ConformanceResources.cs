using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace FhirPractice.Fhir.Validation;

/// <summary>
/// Where the validator finds StructureDefinitions, ValueSets and CodeSystems: the practice's profiles folder
/// first (so it can override), then the core R4 specification. Snapshots are generated on demand so
/// differential-only profiles work, and everything resolved is cached.
/// </summary>
internal sealed class ConformanceResources
{
    public IAsyncResourceResolver Resolver { get; }

    // Canonical URLs (without version) of every StructureDefinition either source holds. Read once,
    // so "can we validate against this profile?" is a set lookup, also inside the validator's synchronous callbacks.
    private readonly HashSet<string> _profiles;

    private ConformanceResources(IAsyncResourceResolver resolver, HashSet<string> profiles)
    {
        Resolver = resolver;
        _profiles = profiles;
    }

    /// <summary>Expensive (unpacks and indexes the specification): call from warm-up only.</summary>
    public static ConformanceResources Load(ProfileValidationOptions options)
    {
        var core = new ZipSource(options.SpecificationZip);
        var sources = new List<ISummarySource>();
        if (Directory.Exists(options.ProfilesFolder))
            sources.Add(new DirectorySource(options.ProfilesFolder,
                new DirectorySourceSettings { IncludeSubDirectories = false, Masks = ["*.json"] }));
        sources.Add(core);

        HashSet<string> profiles;
        using (MachineWideLock())
        {
            profiles = sources
                .SelectMany(s => s.ListSummaries().OfResourceType(ResourceType.StructureDefinition))
                .Select(summary => summary.GetConformanceCanonicalUrl())
                .OfType<string>()
                .ToHashSet(StringComparer.Ordinal);
        }

        var raw = new CachedResolver(new MultiResolver(sources.Cast<IAsyncResourceResolver>()));
        var withSnapshots = new CachedResolver(new SerializedResolver(new SnapshotSource(raw)));
        return new ConformanceResources(withSnapshots, profiles);
    }

    // The first listing unpacks the specification into a temp folder that every process on the machine shares;
    // two unpacking at once collide on its files. Later listings find it unpacked and return quickly.
    private static IDisposable MachineWideLock()
    {
        var mutex = new Mutex(false, "FhirPractice.SpecificationUnpack");
        try { mutex.WaitOne(); }
        catch (AbandonedMutexException) { } // its holder died; the wait still granted ownership to us
        return new Releaser(mutex);
    }

    private sealed class Releaser(Mutex mutex) : IDisposable
    {
        public void Dispose()
        {
            mutex.ReleaseMutex();
            mutex.Dispose();
        }
    }

    public bool DefinesProfile(string canonical) => _profiles.Contains(WithoutVersion(canonical));

    private static string WithoutVersion(string canonical) =>
        canonical.IndexOf('|') is var bar and >= 0 ? canonical[..bar] : canonical;
}
