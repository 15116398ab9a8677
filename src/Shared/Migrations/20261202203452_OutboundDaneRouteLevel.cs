using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MailHost.Shared.Migrations
{
    /// <inheritdoc />
    public partial class OutboundDaneRouteLevel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "OutboundDane",
                table: "RelayRules",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OutboundDane",
                table: "RelayRules");
        }
    }
}
