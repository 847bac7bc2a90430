// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// A stand-in for a Governor in the governance ingestion benchmark: it emits OpenZeppelin IGovernor's
/// ProposalCreated and VoteCast events, with their exact signatures, in bulk (100,000 real votes would
/// need 100,000 funded delegates), and answers the reads the monitor's snapshot makes of a governor.
contract VoteEmitter {
    event ProposalCreated(
        uint256 proposalId,
        address proposer,
        address[] targets,
        uint256[] values,
        string[] signatures,
        bytes[] calldatas,
        uint256 voteStart,
        uint256 voteEnd,
        string description
    );
    event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason);

    function propose(uint256 proposalId, uint256 voteStart, uint256 voteEnd, string calldata description) external {
        address[] memory targets = new address[](1);
        targets[0] = address(this);
        uint256[] memory values = new uint256[](1);
        string[] memory signatures = new string[](1);
        bytes[] memory calldatas = new bytes[](1);
        calldatas[0] = abi.encodeWithSignature("state(uint256)", proposalId);
        emit ProposalCreated(proposalId, msg.sender, targets, values, signatures, calldatas, voteStart, voteEnd, description);
    }

    /// Votes of voters first + 1 to first + count (as addresses), support cycling against, for, abstain.
    function emitVotes(uint256 proposalId, uint256 first, uint256 count) external {
        for (uint256 i = first; i < first + count; ++i) {
            emit VoteCast(address(uint160(i + 1)), proposalId, uint8(i % 3), 1e18 + i, "");
        }
    }

    /// Every proposal is Active (the Governor's ProposalState enum: 1).
    function state(uint256) external pure returns (uint8) {
        return 1;
    }

    function quorum(uint256) external pure returns (uint256) {
        return 40_000e18;
    }

    function proposalEta(uint256) external pure returns (uint256) {
        return 0;
    }

    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=blocknumber&from=default";
    }

    /// No votes token and no timelock: the monitor reads a revert as "none", so getLogs stays on this contract.
    function token() external pure returns (address) {
        revert("no votes token");
    }

    function timelock() external pure returns (address) {
        revert("no timelock");
    }
}
