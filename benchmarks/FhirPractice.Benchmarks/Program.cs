using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/FhirPractice.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
