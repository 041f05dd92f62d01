using FhirPractice.Billing;
using FhirPractice.Billing.CodeSets;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Validation;
using FhirPractice.Hl7v2.Inbound;
using FhirPractice.Hl7v2.Mapping;
using FhirPractice.Hl7v2.Outbound;
using FhirPractice.Inventory;
using FhirPractice.Scheduling;
using FhirPractice.Security.Authorization;
using FhirPractice.Security.Enforcement;
using FhirPractice.Security.Audit;
using FhirPractice.Server.Hosting;
using FhirPractice.Server.Http;
using FhirPractice.Storage.Sqlite;
using FhirPractice.Storage.Sqlite.Hl7v2;

// The content root is the binaries' folder, so appsettings.json applies wherever the server is started from.
// "audit verify" checks the audit chain, "codesets import FOLDER" stores code-set files, instead of serving; the settings that follow apply as usual.
var auditVerify = AuditVerifyCommand.IsRequested(args);
var codeSetImport = CodeSetImportCommand.IsRequested(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = auditVerify ? args[2..] : codeSetImport ? args[3..] : args, ContentRootPath = AppContext.BaseDirectory });
var config = builder.Configuration.GetSection("FhirPractice");

builder.Services.AddSingleton(config.GetSection("Reindex").Get<ReindexOptions>() ?? new ReindexOptions());
builder.Services.AddFhirEngine(config.GetSection("Engine").Get<FhirEngineOptions>() ?? new FhirEngineOptions());
var sqlite = config.GetSection("Sqlite").Get<SqliteStoreOptions>() ?? new SqliteStoreOptions();
builder.Services.AddSqliteStore(sqlite);
var httpOptions = config.GetSection("Http").Get<FhirHttpOptions>() ?? new FhirHttpOptions();
builder.Services.AddSingleton(httpOptions);
builder.Services.AddBrowserAccess(httpOptions);
builder.Services.AddSingleton<FhirHttpRequestReader>();
builder.Services.AddSingleton(config.GetSection("Validation").Get<ProfileValidationOptions>() ?? new ProfileValidationOptions());
builder.Services.AddSingleton<IProfileValidator, ProfileValidator>();
builder.Services.AddSingleton<IWriteValidator, WriteValidator>();
// SMART scopes and compartments enforced in the engine; open mode (no token needed) only on loopback, for development.
builder.Services.AddSmartEnforcement(config.GetSection("Security").Get<SmartEnforcementOptions>() ?? new SmartEnforcementOptions());
builder.Services.AddHostedService<OpenModeGuard>();
builder.Services.AddHostedService<CustomSearchParameterLoader>();
builder.Services.AddHostedService<ReindexJobHost>();
if (config.GetValue("Validation:WarmUpAtStart", true)) builder.Services.AddHostedService<ValidatorWarmUp>();
// Where the practice is: its days and local times (v2 times without an offset, lot expiry dates, opening hours).
var practiceZone = config["Practice:TimeZone"] is { Length: > 0 } zone ? TimeZoneInfo.FindSystemTimeZoneById(zone) : TimeZoneInfo.Local;
// The HL7 v2 bridge.
builder.Services.AddSingleton<IMessageMapper>(new V2ToFhirMapper(new MappingOptions
{
    PracticeTimeZone = practiceZone,
    AssigningAuthoritySystems = config.GetSection("Hl7v2:AssigningAuthoritySystems").Get<Dictionary<string, string>>() ?? [],
    CodingSystems = config.GetSection("Hl7v2:CodingSystems").Get<Dictionary<string, string>>() ?? [],
}));
builder.Services.AddSqliteMessageStore(sqlite);
builder.Services.AddHl7v2Inbound(config.GetSection("Hl7v2").Get<InboundOptions>() ?? new InboundOptions());
builder.Services.AddSingleton(config.GetSection("Hl7v2:Mllp").Get<MllpOptions>() ?? new MllpOptions());
builder.Services.AddHostedService<MllpBridgeService>();
builder.Services.AddHl7v2Outbound(config.GetSection("Hl7v2:Outbound").Get<OutboundOptions>() ?? new OutboundOptions());
builder.Services.AddHostedService<Hl7v2OutboundService>();
// Billing: claims, code sets and X12 through the drop folder.
builder.Services.AddBilling(config.GetSection("Billing").Get<BillingOptions>() ?? new BillingOptions());
builder.Services.AddInventory(config.GetSection("Inventory").Get<InventoryOptions>() ?? new InventoryOptions(), practiceZone);
// Scheduling; reminders go to a file beside the database unless configured otherwise.
var scheduling = config.GetSection("Scheduling").Get<SchedulingOptions>() ?? new SchedulingOptions();
scheduling.ReminderFile ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sqlite.Path)) ?? ".", "reminders.jsonl");
builder.Services.AddScheduling(scheduling, config["Practice:TimeZone"]);
// The SMART authorization server; its store and keys live beside the FHIR database file.
var security = config.GetSection("Security").Get<SmartAuthorizationOptions>() ?? new SmartAuthorizationOptions();
security.DatabasePath = sqlite.Path;
security.FhirBasePath = config["Http:BasePath"] ?? "/fhir";
builder.Services.AddSmartAuthorization(security);
builder.Services.AddAuditTrail(config.GetSection("Audit").Get<AuditOptions>() ?? new AuditOptions());
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);

var app = builder.Build();
if (auditVerify) return await AuditVerifyCommand.RunAsync(app.Services, Console.Out);
if (codeSetImport) return await CodeSetImportCommand.RunAsync(app.Services, args[2], Console.Out);
app.UseBrowserAccess(httpOptions);
app.MapSmartAuthorization();
app.MapFhir();
app.MapHl7v2Messages();
app.MapHl7v2Outbound();
app.Run();
return 0;

/// <summary>Exposed for the HTTP-level tests (WebApplicationFactory).</summary>
public partial class Program;
