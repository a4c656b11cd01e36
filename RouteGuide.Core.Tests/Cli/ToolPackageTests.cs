using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;
using RouteGuide.Core.Tests.Harness;

namespace RouteGuide.Core.Tests.Cli;

/// <summary>The RouteGuide.Cli tool package, packed from the build these tests run on.</summary>
public class ToolPackageTests
{
    [Test]
    public async Task The_tool_packs_without_warnings_and_with_its_own_readme()
    {
        using var output = new ScratchDirectory();
        var configuration = typeof(ToolPackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var project = RepositoryLayout.PathOf("RouteGuide.Cli", "RouteGuide.Cli.csproj");

        // --no-build packs what the test build already compiled; --disable-build-servers leaves no MSBuild node behind.
        using var pack = CliProcess.StartProgram(
            "dotnet", "pack", project, "--configuration", configuration, "--no-build", "--disable-build-servers", "--output", output.Path);
        var result = await pack.WaitForExitAsync();

        result.ExitCode.Should().Be(0, "dotnet pack failed: {0}{1}", result.Output, result.Error);
        result.Output.Should().NotContainEquivalentOf("warning").And.NotContainEquivalentOf("missing a readme");
        using var package = ZipFile.OpenRead(Directory.GetFiles(output.Path, "RouteGuide.Cli.*.nupkg").Single());
        var nuspec = XDocument.Load(package.GetEntry("RouteGuide.Cli.nuspec")!.Open());
        var readme = nuspec.Descendants().Single(element => element.Name.LocalName == "readme").Value;
        using var readmeText = new StreamReader(package.GetEntry(readme)!.Open());
        (await readmeText.ReadLineAsync()).Should().Be("# routeguide", "the package shows the tool's readme, not the library's");
    }
}
